/**
 * The `paymentUpdated` subscription door. type-graphql's subscribe functions are static, so the
 * PaymentUpdatesService reaches them through the connection's context (built in server.ts); the rule
 * of who hears what lives in that service.
 */
import { Arg, ID, Resolver, Root, Subscription } from 'type-graphql';
import { PaymentType } from '../schema/payment.type';
import type { PaymentView } from '../services/payments/payment-view';
import { callerOf, type GraphQLContext } from './context';

@Resolver()
export class PaymentUpdatedResolver {
  @Subscription(() => PaymentType, {
    description: "One payment's updates (ref), or all of the caller's payments",
    subscribe: ({ args, context }) => {
      const ctx = context as GraphQLContext;
      return ctx.paymentUpdates.subscribe(callerOf(ctx), args.ref);
    },
  })
  paymentUpdated(@Root() payment: PaymentView, @Arg('ref', () => ID, { nullable: true }) _ref?: string | null): PaymentView {
    return payment;
  }
}
