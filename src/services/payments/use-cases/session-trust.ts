/**
 * Whether a provider's checkout session may speak for a payment. Anyone able to create sessions at
 * the provider can write a session's client_reference_id, so a session is trusted only when it is the
 * one the payment's own create returned, charging the payment's amount in its currency. Used by every
 * flow that applies what a session says (a provider event, the return, an expire, the reconciler).
 */
import type { Payment } from '../../../entities/payment.entity';
import type { CheckoutSession } from '../../../domain/payment-provider';
import type { PaymentEventSource } from '../../../domain/payment-status';
import type { Logger } from '../../../logger';
import type { GatewayMetrics } from '../../../telemetry/metrics';

export interface SessionMismatch {
  reason: 'foreign_session' | 'amount' | 'currency';
  /** Recorded in the payment's history, so the merchant sees why the event changed nothing. */
  note: string;
}

/** Null when the session may speak for the payment; otherwise why not. */
export function sessionMismatch(payment: Payment, session: CheckoutSession): SessionMismatch | null {
  if (session.id !== payment.providerSessionId) {
    return { reason: 'foreign_session', note: `session ${session.id} is not this payment's checkout session` };
  }
  if (session.currency !== payment.currency) {
    return { reason: 'currency', note: `session currency ${session.currency ?? 'none'} differs from the payment's ${payment.currency}` };
  }
  if (session.amountTotal !== payment.amount) {
    return { reason: 'amount', note: `session amount ${session.amountTotal ?? 'none'} differs from the payment's ${payment.amount} (minor units of ${payment.currency})` };
  }
  return null;
}

/** A session that disagrees with its payment is a forgery or a bug: never applied, always loud. */
export function reportMismatch(
  deps: { metrics: GatewayMetrics; logger: Logger },
  payment: Payment,
  session: CheckoutSession,
  mismatch: SessionMismatch,
  source: PaymentEventSource,
  providerEventId: string | null,
): void {
  deps.metrics.providerMismatch(mismatch.reason, source);
  deps.logger.error(
    {
      ref: payment.ref,
      reason: mismatch.reason,
      sessionId: session.id,
      providerEventId: providerEventId ?? undefined,
      source,
      payment: { sessionId: payment.providerSessionId, amount: payment.amount, currency: payment.currency },
      session: { amount: session.amountTotal, currency: session.currency },
    },
    'provider session does not match its payment; not applied',
  );
}
