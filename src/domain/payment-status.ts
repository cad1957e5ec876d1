/**
 * The payment state machine: the one table of allowed status changes (API.md, "Payment statuses").
 * Only PaymentTransitions (services/payments/payment-transitions.ts) writes `status`, and it asks
 * this table (canTransition) before every write.
 */
export enum PaymentStatus {
  PROCESSING = 'PROCESSING',
  PENDING = 'PENDING',
  SUCCEEDED = 'SUCCEEDED',
  FAILED = 'FAILED',
  EXPIRED = 'EXPIRED',
}

const ALLOWED_NEXT: Record<PaymentStatus, readonly PaymentStatus[]> = {
  [PaymentStatus.PROCESSING]: [PaymentStatus.PENDING, PaymentStatus.FAILED],
  [PaymentStatus.PENDING]: [PaymentStatus.SUCCEEDED, PaymentStatus.FAILED, PaymentStatus.EXPIRED],
  [PaymentStatus.SUCCEEDED]: [],
  [PaymentStatus.FAILED]: [],
  [PaymentStatus.EXPIRED]: [],
};

/** What each status tells a merchant; docs/reference.md's status table is generated from this and ALLOWED_NEXT. */
export const PAYMENT_STATUS_MEANINGS: Record<PaymentStatus, string> = {
  [PaymentStatus.PROCESSING]: 'saved; the checkout session is being created at the provider',
  [PaymentStatus.PENDING]: 'checkout session open: the customer can pay at `checkoutUrl`',
  [PaymentStatus.SUCCEEDED]: 'paid (session complete and paid, or an asynchronous payment succeeded)',
  [PaymentStatus.FAILED]: 'the provider refused the session, or an asynchronous payment failed',
  [PaymentStatus.EXPIRED]: 'the session expired: the merchant expired it, or its time ran out',
};

export function canTransition(from: PaymentStatus, to: PaymentStatus): boolean {
  return ALLOWED_NEXT[from].includes(to);
}

export function isTerminal(status: PaymentStatus): boolean {
  return ALLOWED_NEXT[status].length === 0;
}

/**
 * States that hold an order: while a payment is in one of them, its order may not get another payment.
 * SUCCEEDED holds it for ever (an order is paid once); FAILED and EXPIRED release it.
 * The database enforces the same set through a generated column (see the migrations).
 */
export const ORDER_HOLDING_STATUSES: readonly PaymentStatus[] = [
  PaymentStatus.PROCESSING,
  PaymentStatus.PENDING,
  PaymentStatus.SUCCEEDED,
];

export enum PaymentEventSource {
  API = 'API',
  WEBHOOK = 'WEBHOOK',
  RETURN = 'RETURN',
  RECONCILER = 'RECONCILER',
}

/**
 * What a checkout session's state means for its payment: the one mapping used by the webhook, the
 * return redirect, expire and the reconciler. `null`: the session says nothing new (completed but an
 * asynchronous payment has not settled yet; the payment stays PENDING).
 */
export function statusForSessionState(state: 'open' | 'paid' | 'awaiting_payment' | 'expired'): PaymentStatus | null {
  switch (state) {
    case 'open':
      return PaymentStatus.PENDING;
    case 'paid':
      return PaymentStatus.SUCCEEDED;
    case 'expired':
      return PaymentStatus.EXPIRED;
    case 'awaiting_payment':
      return null;
  }
}

/**
 * What a provider event asks of its payment: the one mapping used by webhooks and by the reconciler
 * replaying missed events. `null`: the event changes nothing by design (recorded, not applied).
 */
export function statusForEventOutcome(outcome: 'paid' | 'awaiting_payment' | 'payment_failed' | 'expired'): PaymentStatus | null {
  switch (outcome) {
    case 'paid':
      return PaymentStatus.SUCCEEDED;
    case 'payment_failed':
      return PaymentStatus.FAILED;
    case 'expired':
      return PaymentStatus.EXPIRED;
    case 'awaiting_payment':
      return null;
  }
}
