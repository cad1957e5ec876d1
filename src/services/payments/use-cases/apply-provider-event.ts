/**
 * Apply a provider event (a webhook, or one fetched back by the reconciler): at most one transition.
 * The event is trusted only as far as the payment's own session agrees with it (session-trust.ts);
 * the webhook and the customer's return racing each other produce one transition, one history line
 * and one notification (payment-transitions.ts).
 */
import type { Payment } from '../../../entities/payment.entity';
import { ProviderError } from '../../../domain/errors';
import { PaymentStatus, statusForEventOutcome, type PaymentEventSource } from '../../../domain/payment-status';
import type { CheckoutSession, ProviderEvent } from '../../../domain/payment-provider';
import { setPaymentRefOnActiveSpan } from '../../../telemetry/spans';
import type { Logger } from '../../../logger';
import type { GatewayMetrics } from '../../../telemetry/metrics';
import type { PaymentRepository } from '../payment.repository';
import type { PaymentTransitions, TransitionRequest } from '../payment-transitions';
import type { OpenCheckoutSession } from './open-checkout-session';
import { reportMismatch, sessionMismatch } from './session-trust';

/**
 * What became of one provider event: the flow's one result vocabulary. The webhook answers it to the
 * provider as `handling` (its meaning and metric label: stripe-webhook.router.ts); the reconciler
 * counts the `applied` ones.
 */
export type ProviderEventHandling =
  /** The event changed the payment. */
  | 'applied'
  /** The payment already had that status (the return got there first). */
  | 'already'
  /** Recorded in the payment's history without changing its status. */
  | 'recorded_not_applied'
  /** This event was recorded for the payment before. */
  | 'duplicate'
  /** No payment has this session. */
  | 'unknown_payment'
  /** An event type the gateway does not act on. */
  | 'unhandled_type';

export interface ProviderEventResult {
  handling: ProviderEventHandling;
  /** The payment the event was about, when one was found. */
  ref: string | null;
}

type NotApplied = Pick<TransitionRequest, 'to' | 'note'>;

export interface ApplyProviderEventDeps {
  repository: PaymentRepository;
  transitions: PaymentTransitions;
  openCheckoutSession: OpenCheckoutSession;
  metrics: GatewayMetrics;
  logger: Logger;
}

export class ApplyProviderEvent {
  constructor(private readonly deps: ApplyProviderEventDeps) {}

  async execute(event: ProviderEvent, source: PaymentEventSource): Promise<ProviderEventResult> {
    const log = this.deps.logger.child({ eventId: event.id, eventType: event.type });
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
    if (mismatch) reportMismatch(this.deps, payment, event.session, mismatch, source, event.id);
    // Either a status to apply, or what the history keeps when the event changes nothing, and why.
    const verdict: { apply: PaymentStatus } | { keep: NotApplied } = mismatch
      ? { keep: { to: target ?? payment.status, note: mismatch.note } }
      : target === null
        ? { keep: { to: payment.status, note: 'checkout completed; the asynchronous payment has not settled yet' } }
        : { apply: target };
    let notApplied: NotApplied;
    if ('apply' in verdict) {
      const outcome = await this.deps.transitions.transition(payment, { ...provenance, to: verdict.apply });
      log.info({ ref: payment.ref, outcome: outcome.kind, status: outcome.payment.status }, 'provider event handled');
      if (outcome.kind !== 'refused') return { handling: outcome.kind, ref: payment.ref };
      // The status table forbids it (e.g. an expiry after the payment succeeded): kept in the history.
      payment = outcome.payment;
      notApplied = { to: verdict.apply, note: `ignored: ${payment.status} cannot become ${verdict.apply}` };
    } else {
      notApplied = verdict.keep;
    }
    const recorded = await this.deps.transitions.recordNotApplied(payment, { ...provenance, ...notApplied });
    return { handling: recorded ? 'recorded_not_applied' : 'duplicate', ref: payment.ref };
  }

  private async findBySession(session: CheckoutSession): Promise<Payment | null> {
    const bySession = await this.deps.repository.findBySessionId(session.id);
    if (bySession || !session.paymentRef) return bySession;
    // A session whose id we never stored (creation interrupted): its client_reference_id is our ref.
    return this.deps.repository.findSessionlessByRef(session.paymentRef);
  }

  /**
   * A provider event names a PROCESSING payment through its client_reference_id, which anyone able to
   * create sessions can write. Which session is the payment's is only what its own create returns, so
   * the create is repeated (same idempotency key: the provider answers with the session it made, or
   * makes it now) and the event is then judged against that. An outage throws (the webhook is retried).
   */
  private async learnOwnSession(payment: Payment, source: PaymentEventSource): Promise<Payment> {
    try {
      return (await this.deps.openCheckoutSession.openFor(payment, source)).payment;
    } catch (error) {
      if (!(error instanceof ProviderError)) throw error;
      // Refused: the payment FAILED meanwhile.
      return (await this.deps.repository.findById(payment.id)) ?? payment;
    }
  }
}
