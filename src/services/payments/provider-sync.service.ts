/**
 * Brings payments to what the provider says: a webhook event, the session read on the customer's
 * return, the session read after an expire. Every path ends in PaymentTransitions.transition, so the
 * webhook and the return racing each other produce one transition, one history line, one notification.
 */
import { selectEntities, type Orm } from '../../orm';
import { Payment } from '../../entities/payment.entity';
import { PaymentNotFoundError, ProviderError, ProviderUnavailableError, ValidationError } from '../../domain/errors';
import {
  isTerminal,
  PaymentEventSource,
  PaymentStatus,
  statusForEventOutcome,
  statusForSessionState,
} from '../../domain/payment-status';
import type { CheckoutSession, PaymentProvider, ProviderEvent } from '../../domain/payment-provider';
import { validatePaymentRef } from '../validation';
import { setPaymentRefOnActiveSpan } from '../../telemetry/spans';
import type { Logger } from '../../logger';
import type { GatewayMetrics } from '../../telemetry/metrics';
import type { PaymentTransitions, TransitionOutcome } from './payment-transitions';
import { loadPaymentView, type PaymentView } from './payment-view';

/** What became of one provider event; logged, and answered to the provider for its dashboard. */
export type EventHandling = 'applied' | 'already' | 'recorded_not_applied' | 'duplicate' | 'unknown_payment' | 'unhandled_type';

export interface SessionMismatch {
  reason: 'foreign_session' | 'amount' | 'currency';
  /** Recorded in the payment's history, so the merchant sees why the event changed nothing. */
  note: string;
}

/**
 * Whether a provider's session may speak for this payment: it must be the session the payment's own
 * create returned, and charge the payment's amount in its currency. Null when it may.
 */
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
    private readonly metrics: GatewayMetrics,
    private readonly logger: Logger,
  ) {}

  /** Gives the payment its checkout session (createOwnSession) and answers with the payment as callers see it. */
  async openCheckoutSession(payment: Payment, source: PaymentEventSource): Promise<PaymentView> {
    const adopted = await this.createOwnSession(payment, source);
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
    // Creation was interrupted before the payment learnt its session: it learns it now from its own create.
    if (payment.status === PaymentStatus.PROCESSING) payment = await this.learnOwnSession(payment, source);

    const provenance = { source, providerEventId: event.id, providerEventType: event.type };
    const target = statusForEventOutcome(event.outcome);
    const mismatch = sessionMismatch(payment, event.session);
    if (mismatch) {
      this.reportMismatch(payment, event.session, mismatch, source, event.id);
      const recorded = await this.transitions.recordNotApplied(payment, { ...provenance, to: target ?? payment.status, note: mismatch.note });
      return { handling: recorded ? 'recorded_not_applied' : 'duplicate', ref: payment.ref };
    }
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
    // A final status never changes: the provider has nothing to add, and a reloading browser (or
    // someone replaying the link) must not turn into one provider read per hit.
    if (isTerminal(payment.status)) return withQuery(payment.successUrl, { ref: payment.ref, status: payment.status });
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

  /**
   * Brings a payment to what its own checkout session says (read by id: the return, an expire, the
   * reconciler). A session that is not the payment's, or charges another amount, changes nothing.
   */
  async applySessionState(payment: Payment, session: CheckoutSession, source: PaymentEventSource): Promise<Payment> {
    const mismatch = sessionMismatch(payment, session);
    if (mismatch) {
      this.reportMismatch(payment, session, mismatch, source, null);
      return payment;
    }
    const target = statusForSessionState(session.state);
    if (target === null || target === payment.status) return payment;
    return (await this.transitions.transition(payment, { to: target, source })).payment;
  }

  /**
   * Creates the payment's checkout session (outside any transaction) and makes the payment PENDING
   * with it: the one place a payment gets its session. The idempotency key is derived from the
   * payment, so every caller (the request, a retry with the same Idempotency-Key, a webhook about an
   * interrupted creation, the reconciler) reaches the same one session. A refusal fails the payment;
   * an outage leaves it PROCESSING. Errors thrown carry the payment's ref.
   */
  private async createOwnSession(payment: Payment, source: PaymentEventSource): Promise<TransitionOutcome> {
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
    return this.transitions.transition(payment, {
      to: PaymentStatus.PENDING,
      source,
      set: { checkoutUrl: session.url, providerSessionId: session.id },
    });
  }

  /**
   * A provider event names a PROCESSING payment through its client_reference_id, which anyone able to
   * create sessions can write. Which session is the payment's is only what its own create returns, so
   * the create is repeated (same idempotency key: the provider answers with the session it made, or
   * makes it now) and the event is then judged against that. An outage throws (the webhook is retried).
   */
  private async learnOwnSession(payment: Payment, source: PaymentEventSource): Promise<Payment> {
    try {
      return (await this.createOwnSession(payment, source)).payment;
    } catch (error) {
      if (!(error instanceof ProviderError)) throw error;
      return this.findByRef(payment.ref); // refused: the payment FAILED meanwhile
    }
  }

  /** A session that disagrees with its payment is a forgery or a bug: never applied, always loud. */
  private reportMismatch(payment: Payment, session: CheckoutSession, mismatch: SessionMismatch, source: PaymentEventSource, providerEventId: string | null): void {
    this.metrics.providerMismatch(mismatch.reason, source);
    this.logger.error(
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
