import type { MerchantAuth } from '../services/merchants/merchant.service';
import type { PaymentUpdatesService } from '../services/payments/payment-updates.service';
import { UnauthenticatedError } from '../domain/errors';

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

/** The caller's merchant, or UNAUTHENTICATED: for resolvers, after @Authorized let them run. */
export function callerOf(context: GraphQLContext): MerchantAuth {
  if (!context.auth) throw new UnauthenticatedError();
  return context.auth;
}
