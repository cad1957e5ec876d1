/** The GraphQL door for payments: arguments in, service call, PaymentView out. Nothing decided here. */
import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Authorized, Ctx, ID, Info, Mutation, Query, Resolver } from 'type-graphql';
import { PaymentConnectionType, PaymentType } from '../schema/payment.type';
import type { Operation } from '../services/merchants/access-policy';
import { CreatePaymentInput } from '../schema/create-payment.input';
import { PaymentsArgs } from '../schema/payments.args';
import { PaymentService, type PaymentPage } from '../services/payments/payment.service';
import type { PaymentView } from '../services/payments/payment-view';
import { callerOf, type GraphQLContext } from './context';
import { selectsField } from './selection';

@Resolver(() => PaymentType)
export class PaymentResolver {
  constructor(private readonly paymentService: PaymentService) {}

  @Authorized<Operation>('readPayment')
  @Query(() => PaymentType, { nullable: true, description: "null when absent or not the caller's" })
  async payment(@Arg('ref', () => ID) ref: string, @Ctx() context: GraphQLContext, @Info() info: GraphQLResolveInfo): Promise<PaymentView | null> {
    // A status poll asks no history: reading it would be a second query for nothing.
    const history = selectsField(info, 'events');
    return annotated(context, await this.paymentService.findPayment(callerOf(context).merchantId, ref, { history }));
  }

  @Authorized<Operation>('listPayments')
  @Query(() => PaymentConnectionType, { description: 'Newest first; a Relay connection: first/after forwards, last/before backwards, 1..100 each' })
  payments(@Args(() => PaymentsArgs) args: PaymentsArgs, @Ctx() context: GraphQLContext): Promise<PaymentPage> {
    return this.paymentService.listPayments(callerOf(context).merchantId, args);
  }

  @Authorized<Operation>('createPayment')
  @Mutation(() => PaymentType)
  async createPayment(@Arg('input', () => CreatePaymentInput) input: CreatePaymentInput, @Ctx() context: GraphQLContext): Promise<PaymentView> {
    const payment = await this.paymentService.createPayment(callerOf(context).merchantId, plainInput(input), context.idempotencyKey);
    return annotated(context, payment);
  }

  @Authorized<Operation>('expirePayment')
  @Mutation(() => PaymentType)
  async expirePayment(@Arg('ref', () => ID) ref: string, @Ctx() context: GraphQLContext): Promise<PaymentView> {
    return annotated(context, await this.paymentService.expirePayment(callerOf(context).merchantId, ref));
  }
}

/** The request's log line names the payment it touched. */
function annotated<T extends PaymentView | null>(context: GraphQLContext, payment: T): T {
  if (payment) context.annotate({ paymentRef: payment.ref });
  return payment;
}

/** type-graphql hands in class instances; the validator takes plain data, as it gets from REST. */
function plainInput(input: CreatePaymentInput): Record<string, unknown> {
  const plain: Record<string, unknown> = { ...input, lineItems: input.lineItems.map((item) => ({ ...item })) };
  for (const key of Object.keys(plain)) if (plain[key] === undefined || plain[key] === null) delete plain[key];
  return plain;
}
