import type { AuthChecker } from 'type-graphql';
import type { MerchantAuth } from '../services/merchants/merchant.service';
import type { PaymentUpdatesService } from '../services/payments/payment-updates.service';
import { ForbiddenError, UnauthenticatedError } from '../domain/errors';
import { SECRET } from '../schema/payment.type';

/** What every GraphQL operation knows of its caller: built once per request (or per socket). */
export interface GraphQLContext {
  auth: MerchantAuth | null;
  requestId: string;
  idempotencyKey: string | null;
  /** For the paymentUpdated subscribe function, which type-graphql cannot construct-inject. */
  paymentUpdates: PaymentUpdatesService;
  /** Adds what the request touched (operation, payment ref) to its log line and metrics. */
  annotate(fields: { operationName?: string; paymentRef?: string }): void;
}

/** The caller's merchant, or UNAUTHENTICATED: for resolvers guarded by @Authorized. */
export function callerOf(context: GraphQLContext): MerchantAuth {
  if (!context.auth) throw new UnauthenticatedError();
  return context.auth;
}

/** @Authorized(): any valid key; @Authorized(SECRET): the merchant's secret key only. */
export const authChecker: AuthChecker<GraphQLContext> = ({ context }, roles) => {
  const auth = callerOf(context);
  if (roles.includes(SECRET) && auth.scope !== 'SECRET') {
    throw new ForbiddenError("A publishable key may only read a payment's status fields by ref");
  }
  return true;
};
