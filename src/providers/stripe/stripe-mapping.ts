/**
 * Stripe's objects in the gateway's words, each mapped once: a checkout session's (status,
 * payment_status) to a CheckoutSessionState, and each event type the gateway acts on to a
 * ProviderEventOutcome (for webhooks and for events fetched back by the reconciler alike).
 */
import type Stripe from 'stripe';
import type { CheckoutSession, CheckoutSessionState, ProviderEvent } from '../../domain/payment-provider';

export function toProviderEvent(event: Stripe.Event): ProviderEvent {
  const base = { id: event.id, type: event.type };
  switch (event.type) {
    case 'checkout.session.completed': {
      const session = event.data.object;
      return { ...base, session: toCheckoutSession(session), outcome: session.payment_status === 'unpaid' ? 'awaiting_payment' : 'paid' };
    }
    case 'checkout.session.async_payment_succeeded':
      return { ...base, session: toCheckoutSession(event.data.object), outcome: 'paid' };
    case 'checkout.session.async_payment_failed':
      return { ...base, session: toCheckoutSession(event.data.object), outcome: 'payment_failed' };
    case 'checkout.session.expired':
      return { ...base, session: toCheckoutSession(event.data.object), outcome: 'expired' };
    default:
      return { ...base, session: null, outcome: 'unhandled' };
  }
}

export function toCheckoutSession(session: Stripe.Checkout.Session): CheckoutSession {
  // Webhook bodies are signed but still JSON from outside: an id that is not a string must never
  // reach a database query (where an object would be read as an operator).
  if (typeof session?.id !== 'string' || (session.client_reference_id !== null && typeof session.client_reference_id !== 'string')) {
    throw new Error('Stripe sent a checkout session without a readable id');
  }
  const amountTotal = session.amount_total ?? null;
  const currency = session.currency ?? null;
  if ((amountTotal !== null && !Number.isSafeInteger(amountTotal)) || (currency !== null && typeof currency !== 'string')) {
    throw new Error('Stripe sent a checkout session without a readable amount or currency');
  }
  return {
    id: session.id,
    url: session.url,
    state: sessionState(session),
    paymentRef: session.client_reference_id,
    amountTotal,
    currency: currency?.toUpperCase() ?? null,
  };
}

/** Stripe's (status, payment_status) pair in the gateway's words: the one mapping, exhaustive. */
export function sessionState(session: Pick<Stripe.Checkout.Session, 'status' | 'payment_status'>): CheckoutSessionState {
  const status = session.status;
  switch (status) {
    case 'open':
      return 'open';
    case 'expired':
      return 'expired';
    case 'complete':
      return session.payment_status === 'unpaid' ? 'awaiting_payment' : 'paid';
    default:
      // Stripe's types leave enums open (`| OtherString`): a status this code does not know is a
      // failure to look at, never a guess.
      throw new Error(`Stripe returned a checkout session status this gateway does not know: ${String(status)}`);
  }
}
