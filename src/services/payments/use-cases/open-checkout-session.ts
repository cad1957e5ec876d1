/**
 * Shared step: give a payment its own checkout session. It creates the session at the provider
 * (outside any transaction) and makes the payment PENDING with it: the one place a payment gets its
 * session. The provider's idempotency key is derived from the payment, so every caller (the request,
 * a retry with the same Idempotency-Key, a provider event about an interrupted creation, the
 * reconciler) reaches the same one session. A refusal fails the payment; an outage leaves it
 * PROCESSING. Errors thrown carry the payment's ref.
 */
import type { Payment } from '../../../entities/payment.entity';
import { ProviderError, ProviderUnavailableError } from '../../../domain/errors';
import { PaymentStatus, type PaymentEventSource } from '../../../domain/payment-status';
import type { CheckoutSession, PaymentProvider } from '../../../domain/payment-provider';
import type { Logger } from '../../../logger';
import type { PaymentTransitions } from '../payment-transitions';
import type { PaymentView } from '../payment-view';

export interface OpenCheckoutSessionDeps {
  provider: PaymentProvider;
  transitions: PaymentTransitions;
  logger: Logger;
  /** Where the customer's browser comes back to (the gateway's public URL). */
  publicUrl: string;
}

/** The payment as it stands after the step, and the view published with its change (null: none published). */
export interface OpenedSession {
  payment: Payment;
  view: PaymentView | null;
}

export class OpenCheckoutSession {
  constructor(private readonly deps: OpenCheckoutSessionDeps) {}

  async openFor(payment: Payment, source: PaymentEventSource): Promise<OpenedSession> {
    let session: CheckoutSession;
    try {
      session = await this.deps.provider.createCheckoutSession({
        paymentRef: payment.ref,
        idempotencyKey: `${payment.ref}:create-session`,
        currency: payment.currency,
        lineItems: payment.lineItems,
        // The provider fills {CHECKOUT_SESSION_ID} itself; it must stay unencoded.
        successUrl: `${this.deps.publicUrl}/api/v1/payment/return?ref=${payment.ref}&session_id={CHECKOUT_SESSION_ID}`,
        cancelUrl: `${this.deps.publicUrl}/api/v1/payment/cancel?ref=${payment.ref}`,
        customerEmail: payment.customerEmail,
        expiresAt: payment.expiresAt,
        metadata: payment.metadata,
      });
    } catch (error) {
      const log = this.deps.logger.child({ ref: payment.ref });
      if (error instanceof ProviderError) {
        log.warn({ reason: error.message }, 'provider refused the checkout session; payment FAILED');
        await this.deps.transitions.transition(payment, { to: PaymentStatus.FAILED, source, note: error.message });
        throw error.withRef(payment.ref);
      }
      if (error instanceof ProviderUnavailableError) {
        log.warn('provider unavailable; payment left PROCESSING for the reconciler');
        throw error.withRef(payment.ref);
      }
      throw error;
    }
    const outcome = await this.deps.transitions.transition(payment, {
      to: PaymentStatus.PENDING,
      source,
      set: { checkoutUrl: session.url, providerSessionId: session.id },
    });
    return { payment: outcome.payment, view: outcome.kind === 'applied' ? outcome.view : null };
  }
}
