/**
 * Brings payments to what the provider says: a webhook event, the session read on the customer's
 * return, the session read after an expire. Every path ends in PaymentTransitions.transition, so the
 * webhook and the return racing each other produce one transition, one history line, one notification.
 */
import { selectEntities, type Orm } from '../../orm';
import { Payment } from '../../entities/payment.entity';
import { PaymentNotFoundError, ProviderError, ProviderUnavailableError, ValidationError } from '../../domain/errors';
import {
  PaymentEventSource,
  PaymentStatus,
  statusForEventOutcome,
  statusForSessionState,
} from '../../domain/payment-status';
import type { CheckoutSession, PaymentProvider, ProviderEvent } from '../../domain/payment-provider';
import { validatePaymentRef } from '../validation';
import { setPaymentRefOnActiveSpan } from '../../telemetry/spans';
import type { Logger } from '../../logger';
import type { PaymentTransitions, TransitionOutcome } from './payment-transitions';
import { loadPaymentView, type PaymentView } from './payment-view';

/** What became of one provider event; logged, and answered to the provider for its dashboard. */
export type EventHandling = 'applied' | 'already' | 'recorded_not_applied' | 'duplicate' | 'unknown_payment' | 'unhandled_type';

export interface EventResult {
  handling: EventHandling;
  /** The payment the event was about, when one was found. */
  ref: string | null;
}

export class ProviderSyncService {
  constructor(
    private readonly orm: Orm,
    private readonly provider: PaymentProvider,
    private readonly transitions: PaymentTransitions,
    private readonly options: { publicUrl: string },
    private readonly logger: Logger,
  ) {}

  /**
   * Creates the payment's checkout session (outside any transaction) and makes the payment PENDING.
   * The idempotency key is derived from the payment, so every caller (the request, a retry with the
   * same Idempotency-Key, the reconciler) reaches the same one session. A refusal fails the payment;
   * an outage leaves it PROCESSING. Errors thrown carry the payment's ref. Returns the payment as
   * callers see it.
   */
  async openCheckoutSession(payment: Payment, source: PaymentEventSource): Promise<PaymentView> {
    let session: CheckoutSession;
    try {
      session = await this.provider.createCheckoutSession({
        paymentRef: payment.ref,
        idempotencyKey: `${payment.ref}:create-session`,
        currency: payment.currency,
        lineItems: payment.lineItems,
        // The provider fills {CHECKOUT_SESSION_ID} itself; it must stay unencoded.
        successUrl: `${this.options.publicUrl}/api/v1/payment/return?ref=${payment.ref}&session_id={CHECKOUT_SESSION_ID}`,
        cancelUrl: `${this.options.publicUrl}/api/v1/payment/cancel?ref=${payment.ref}`,
        customerEmail: payment.customerEmail,
        expiresAt: payment.expiresAt,
        metadata: payment.metadata,
      });
    } catch (error) {
      const log = this.logger.child({ ref: payment.ref });
      if (error instanceof ProviderError) {
        log.warn({ reason: error.message }, 'provider refused the checkout session; payment FAILED');
        await this.transitions.transition(payment, { to: PaymentStatus.FAILED, source, note: error.message });
        throw error.withRef(payment.ref);
      }
      if (error instanceof ProviderUnavailableError) {
        log.warn('provider unavailable; payment left PROCESSING for the reconciler');
        throw error.withRef(payment.ref);
      }
      throw error;
    }
    const adopted = await this.adoptSession(payment, session, source);
    // The view published with the change is the answer too: no second read of the history.
    return adopted.kind === 'applied' && adopted.view ? adopted.view : loadPaymentView(this.orm, adopted.payment);
  }

  /** One provider event (from a webhook, or fetched back by the reconciler) → at most one transition. */
  async applyProviderEvent(event: ProviderEvent, source: PaymentEventSource): Promise<EventResult> {
    const log = this.logger.child({ eventId: event.id, eventType: event.type });
    if (event.outcome === 'unhandled' || !event.session) {
      log.info('provider event type not handled; acknowledged');
      return { handling: 'unhandled_type', ref: null };
    }
    let payment = await this.findBySession(event.session);
    if (!payment) {
      log.warn({ sessionId: event.session.id }, 'provider event for a session no payment knows; acknowledged');
      return { handling: 'unknown_payment', ref: null };
    }
    setPaymentRefOnActiveSpan(payment.ref);
    // The session exists, so a payment whose creation was interrupted can take it now.
    if (payment.status === PaymentStatus.PROCESSING) payment = (await this.adoptSession(payment, event.session, source)).payment;

    const provenance = { source, providerEventId: event.id, providerEventType: event.type };
    const target = statusForEventOutcome(event.outcome);
    if (target === null) {
      const recorded = await this.transitions.recordNotApplied(payment, {
        ...provenance,
        to: payment.status,
        note: 'checkout completed; the asynchronous payment has not settled yet',
      });
      return { handling: recorded ? 'recorded_not_applied' : 'duplicate', ref: payment.ref };
    }
    const outcome = await this.transitions.transition(payment, { ...provenance, to: target });
    log.info({ ref: payment.ref, outcome: outcome.kind, status: outcome.payment.status }, 'provider event handled');
    const handling: Record<typeof outcome.kind, EventHandling> = {
      applied: 'applied',
      already: 'already',
      refused: 'recorded_not_applied',
      duplicate: 'duplicate',
    };
    return { handling: handling[outcome.kind], ref: payment.ref };
  }

  /**
   * The customer's return from checkout: read the session at the provider and apply what it says.
   * When the provider cannot be reached the customer is still sent on, with the status we know.
   * Returns where to send the browser: the merchant's successUrl with `ref` and `status` added.
   */
  async handleReturn(rawRef: unknown, rawSessionId: unknown): Promise<string> {
    let payment = await this.findByRef(rawRef);
    if (typeof rawSessionId !== 'string' || rawSessionId !== payment.providerSessionId) {
      throw ValidationError.single('session_id', "is not this payment's checkout session");
    }
    try {
      const session = await this.provider.retrieveCheckoutSession(rawSessionId);
      payment = await this.applySessionState(payment, session, PaymentEventSource.RETURN);
    } catch (error) {
      if (!(error instanceof ProviderUnavailableError)) throw error;
      this.logger.warn({ ref: payment.ref }, 'provider unavailable on return; redirecting with the known status');
    }
    return withQuery(payment.successUrl, { ref: payment.ref, status: payment.status });
  }

  /** The customer's cancel link: nothing changes (the session stays open until it expires). */
  async cancelRedirect(rawRef: unknown): Promise<string> {
    const payment = await this.findByRef(rawRef);
    return withQuery(payment.cancelUrl, { ref: payment.ref });
  }

  /** Brings a payment to what its checkout session says. */
  async applySessionState(payment: Payment, session: CheckoutSession, source: PaymentEventSource): Promise<Payment> {
    if (payment.status === PaymentStatus.PROCESSING) payment = (await this.adoptSession(payment, session, source)).payment;
    const target = statusForSessionState(session.state);
    if (target === null || target === payment.status) return payment;
    return (await this.transitions.transition(payment, { to: target, source })).payment;
  }

  /** PROCESSING → PENDING with the session's id and URL: the one place a payment gets its session. */
  private adoptSession(payment: Payment, session: CheckoutSession, source: PaymentEventSource): Promise<TransitionOutcome> {
    return this.transitions.transition(payment, {
      to: PaymentStatus.PENDING,
      source,
      set: { checkoutUrl: session.url, providerSessionId: session.id },
    });
  }

  private async findBySession(session: CheckoutSession): Promise<Payment | null> {
    const [bySession] = await selectEntities(this.orm, Payment, 'select * from `payment` where `provider_session_id` = ?', [session.id]);
    if (bySession || !session.paymentRef) return bySession ?? null;
    // A session whose id we never stored (creation interrupted): its client_reference_id is our ref.
    return this.orm.em.fork().findOne(Payment, { ref: session.paymentRef, providerSessionId: null });
  }

  private async findByRef(rawRef: unknown): Promise<Payment> {
    const ref = validatePaymentRef(rawRef);
    setPaymentRefOnActiveSpan(ref);
    const payment = await this.orm.em.fork().findOne(Payment, { ref });
    if (!payment) throw new PaymentNotFoundError(ref);
    return payment;
  }
}

function withQuery(url: string, params: Record<string, string>): string {
  const target = new URL(url);
  for (const [name, value] of Object.entries(params)) target.searchParams.set(name, value);
  return target.toString();
}
