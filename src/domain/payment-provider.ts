/**
 * The port through which the core talks to a payment provider. The services depend on this
 * interface only; the Stripe adapter (src/providers/stripe) implements it and index.ts hands it in.
 *
 * Adapters throw only two errors from src/domain/errors.ts:
 * - ProviderError: the provider refused (it will refuse again; the payment fails),
 * - ProviderUnavailableError: the provider could not be reached or failed transiently (try later).
 */
export interface CheckoutLineItem {
  name: string;
  /** Minor units of `currency`. */
  unitAmount: number;
  quantity: number;
}

export interface CreateCheckoutSessionRequest {
  /** The gateway's payment ref; the provider keeps it so that a session can be traced back. */
  paymentRef: string;
  /** Derived from the payment, so a retried create finds the session made by the first try. */
  idempotencyKey: string;
  /** ISO 4217, upper case; the adapter converts to the provider's spelling. */
  currency: string;
  lineItems: CheckoutLineItem[];
  /** Where the provider sends the customer after paying; may contain the provider's placeholders. */
  successUrl: string;
  cancelUrl: string;
  customerEmail?: string | null;
  expiresAt: Date;
  /** The merchant's own metadata, passed through untouched. */
  metadata: Record<string, string>;
}

/** What the provider says of a checkout session, in the gateway's words. */
export type CheckoutSessionState =
  | 'open' // the customer can still pay
  | 'paid' // complete and paid
  | 'awaiting_payment' // complete, but an asynchronous payment method has not settled yet
  | 'expired';

export interface CheckoutSession {
  id: string;
  url: string | null;
  state: CheckoutSessionState;
  paymentRef: string | null;
  /** What the session charges, in minor units of `currency`; checked against the payment before it is believed. */
  amountTotal: number | null;
  /** ISO 4217, upper case. */
  currency: string | null;
}

export interface PaymentProvider {
  createCheckoutSession(request: CreateCheckoutSessionRequest): Promise<CheckoutSession>;
  retrieveCheckoutSession(sessionId: string): Promise<CheckoutSession>;
  expireCheckoutSession(sessionId: string, idempotencyKey: string): Promise<CheckoutSession>;
  /**
   * Checkout events created since `since` whose delivery to the gateway has not succeeded (failed,
   * dropped or still retrying), oldest first: what the reconciler replays when webhooks are lost.
   */
  listUndeliveredEvents(since: Date): Promise<ProviderEvent[]>;
}

/**
 * What a provider event says happened, in the gateway's words. The adapter maps the provider's event
 * types to these once; the core maps these to statuses (statusForEventOutcome).
 */
export type ProviderEventOutcome =
  | 'paid' // the session completed and the payment is collected (or an async payment succeeded)
  | 'awaiting_payment' // the session completed, an asynchronous payment has not settled yet
  | 'payment_failed' // an asynchronous payment failed
  | 'expired' // the session expired
  | 'unhandled'; // an event type this gateway does not act on

export interface ProviderEvent {
  id: string;
  type: string;
  outcome: ProviderEventOutcome;
  /** The checkout session the event is about, as the event carries it; null for unhandled events. */
  session: CheckoutSession | null;
}

export interface ProviderWebhooks {
  /**
   * Verifies the signature over the exact raw bytes received, then parses the event. Throws
   * WebhookSignatureError for a missing, malformed, stale or wrong signature.
   */
  parseWebhookEvent(rawBody: Buffer, signatureHeader: string | undefined): ProviderEvent;
}
