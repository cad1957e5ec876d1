/**
 * Who may do what: the one authorization policy. Every door asks it, none decides on its own:
 * - REST routes (rest/authenticate.ts `requireMerchant(merchants, operation)`) and the publishable
 *   field filter of GET /api/v1/payment (rest/payments.router.ts);
 * - GraphQL operations and Payment fields (graphql/auth-checker.ts, called by type-graphql for every
 *   `@Authorized` resolver and field: resolvers name their operation, Payment fields their name);
 * - the paymentUpdated subscription (services/payments/payment-updates.service.ts).
 *
 * A SECRET key may do everything on its merchant's payments. A PUBLISHABLE key, which ships in web
 * pages, may only read one payment it names by ref (its status fields) or follow that one payment's
 * updates. Which merchant's payments a key reaches is not decided here: every service call is scoped
 * to the key's merchant.
 *
 * Pure: no I/O, no framework; test/unit/access-policy.test.ts covers it.
 */
import { ForbiddenError, UnauthenticatedError } from '../../domain/errors';
import type { PaymentView } from '../payments/payment-view';
import type { KeyScope, MerchantAuth } from './merchant.service';

/** Everything a key can ask of the gateway, whatever the door. */
export type Operation =
  /** One payment by ref: `payment(ref)`, GET /api/v1/payment. */
  | 'readPayment'
  /** The merchant's payments, paged: `payments`. */
  | 'listPayments'
  | 'createPayment'
  | 'expirePayment'
  /** One payment's updates: `paymentUpdated(ref)`. */
  | 'followPayment'
  /** All of the merchant's payments' updates: `paymentUpdated` without a ref. */
  | 'followAllPayments';

const EVERY_KEY: readonly KeyScope[] = ['SECRET', 'PUBLISHABLE'];
const SECRET_ONLY: readonly KeyScope[] = ['SECRET'];

/** The scopes each operation accepts. */
export const OPERATION_SCOPES: Readonly<Record<Operation, readonly KeyScope[]>> = {
  readPayment: EVERY_KEY,
  listPayments: SECRET_ONLY,
  createPayment: SECRET_ONLY,
  expirePayment: SECRET_ONLY,
  followPayment: EVERY_KEY,
  followAllPayments: SECRET_ONLY,
};

/** Why a publishable key is refused, said so that the caller learns what it may do instead. */
const READ_STATUS_ONLY = "A publishable key may only read a payment's status fields by ref";
const REFUSALS: Readonly<Record<Operation, string>> = {
  readPayment: READ_STATUS_ONLY,
  listPayments: READ_STATUS_ONLY,
  createPayment: READ_STATUS_ONLY,
  expirePayment: READ_STATUS_ONLY,
  followPayment: READ_STATUS_ONLY,
  followAllPayments: 'A publishable key may only subscribe to one payment: pass its ref',
};

/** The Payment fields a publishable key may read (API.md "Authentication"); a secret key reads all. */
export const PUBLISHABLE_PAYMENT_FIELDS = ['id', 'ref', 'status', 'amount', 'currency', 'checkoutUrl', 'expiresAt'] as const satisfies readonly (keyof PaymentView)[];
const PUBLISHABLE_FIELD_SET: ReadonlySet<string> = new Set(PUBLISHABLE_PAYMENT_FIELDS);

export function mayRun(scope: KeyScope, operation: Operation): boolean {
  return OPERATION_SCOPES[operation].includes(scope);
}

/**
 * The caller, when it may run the operation: UNAUTHENTICATED without a valid key, FORBIDDEN when its
 * key's scope does not allow the operation.
 */
export function authorize(auth: MerchantAuth | null, operation: Operation): MerchantAuth {
  if (!auth) throw new UnauthenticatedError();
  if (!mayRun(auth.scope, operation)) throw new ForbiddenError(REFUSALS[operation]);
  return auth;
}

/** The subscription a caller asks for: one payment when it names a ref, else all of its merchant's. */
export function followOperation(ref: string | null): Operation {
  return ref === null ? 'followAllPayments' : 'followPayment';
}

export function mayReadPaymentField(scope: KeyScope, field: string): boolean {
  return scope === 'SECRET' || PUBLISHABLE_FIELD_SET.has(field);
}

/** FORBIDDEN when the caller's key may not read this Payment field. */
export function authorizePaymentField(auth: MerchantAuth | null, field: string): MerchantAuth {
  if (!auth) throw new UnauthenticatedError();
  if (!mayReadPaymentField(auth.scope, field)) throw new ForbiddenError(READ_STATUS_ONLY);
  return auth;
}

/** The payment as the caller's key may see it: all of it, or the publishable fields only. */
export function readablePayment(scope: KeyScope, payment: PaymentView): Partial<PaymentView> {
  if (scope === 'SECRET') return payment;
  return Object.fromEntries(PUBLISHABLE_PAYMENT_FIELDS.map((field) => [field, payment[field]]));
}
