/**
 * The one function that changes a payment's status, used by every path (API, webhook, return,
 * reconciler). Each write is guarded by the version and status it was decided on, so racing paths
 * (a webhook and the customer's return, say) produce exactly one transition, one history entry and
 * one notification; the loser re-reads and finds the payment already there.
 *
 * The first decision is made on the payment as the caller just read it: the guard makes a stale copy
 * harmless (its write matches no row), and the common case is spared a second read of the same row.
 */
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { Payment } from '../../entities/payment.entity';
import { canTransition, type PaymentEventSource, type PaymentStatus } from '../../domain/payment-status';
import type { PaymentPubSub } from '../../pubsub/payment-pubsub';
import type { Logger } from '../../logger';
import { loadPaymentView, type PaymentView } from './payment-view';
import type { NewPaymentEvent, PaymentRepository } from './payment.repository';
import type { GatewayMetrics } from '../../telemetry/metrics';

export interface TransitionRequest {
  to: PaymentStatus;
  source: PaymentEventSource;
  providerEventId?: string | null;
  providerEventType?: string | null;
  note?: string | null;
  /** Columns written in the same guarded update, e.g. the session's URL when the payment becomes PENDING. */
  set?: Partial<Pick<Payment, 'checkoutUrl' | 'providerSessionId'>>;
}

export type TransitionOutcome =
  /** The status changed; one event recorded and one update published: `view` (null if that failed). */
  | { kind: 'applied'; payment: Payment; view: PaymentView | null }
  /** The payment already had the asked-for status (another path got there first): nothing added. */
  | { kind: 'already'; payment: Payment }
  /** The status table forbids the change (decided on a fresh read): nothing added; `payment` is that read. */
  | { kind: 'refused'; payment: Payment }
  /** This provider event was already recorded for the payment: nothing added. */
  | { kind: 'duplicate'; payment: Payment };

/** How often a write that lost a race is re-decided before giving up (each loss means progress elsewhere). */
const MAX_ATTEMPTS = 8;

export class PaymentTransitions {
  constructor(
    private readonly repository: PaymentRepository,
    private readonly pubsub: PaymentPubSub,
    private readonly metrics: GatewayMetrics,
    private readonly logger: Logger,
  ) {}

  async transition(current: Payment, request: TransitionRequest): Promise<TransitionOutcome> {
    let payment = current;
    let fresh = false; // read by this call, rather than the caller's copy
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      // Only a write may be tried on the caller's copy; "already there" and "not allowed" are decided on a fresh read.
      const wouldWrite = payment.status !== request.to && canTransition(payment.status, request.to);
      if (!wouldWrite && !fresh) {
        payment = await this.reread(current);
        fresh = true;
      }
      if (payment.status === request.to) return { kind: 'already', payment };
      if (!canTransition(payment.status, request.to)) return { kind: 'refused', payment };

      const from = payment.status;
      const now = new Date();
      const changes = { status: request.to, version: payment.version + 1, updatedAt: now, ...request.set };
      let won: boolean;
      try {
        won = await this.repository.updateStatusWithEvent(
          { id: payment.id, version: payment.version, status: from },
          changes,
          eventRow(payment.id, from, request, true, now),
        );
      } catch (error) {
        if (error instanceof UniqueConstraintViolationException && request.providerEventId) {
          return { kind: 'duplicate', payment };
        }
        throw error;
      }
      if (won) {
        this.metrics.transitionApplied(from, request.to, request.source);
        this.logger.info(
          { ref: payment.ref, from, to: request.to, source: request.source, providerEventId: request.providerEventId ?? undefined },
          'payment status changed',
        );
        const changed = Object.assign(payment, changes);
        return { kind: 'applied', payment: changed, view: await this.publish(changed) };
      }
      this.logger.debug({ ref: payment.ref, attempt }, 'status write lost a race; deciding again');
      payment = await this.reread(current);
      fresh = true;
    }
    throw new Error(`Payment ${current.id} kept changing under ${MAX_ATTEMPTS} attempts to write its status`);
  }

  /**
   * Records a provider event that changes nothing (a session completed but not yet paid, a change the
   * table forbids, a session that is not the payment's). Returns false when the same provider event
   * was already recorded.
   */
  async recordNotApplied(payment: Payment, request: TransitionRequest): Promise<boolean> {
    return this.repository.insertEventOnce(eventRow(payment.id, payment.status, request, false, new Date()));
  }

  private async reread(payment: Payment): Promise<Payment> {
    const fresh = await this.repository.findById(payment.id);
    if (!fresh) throw new Error(`Payment ${payment.id} vanished while its status was being written`);
    return fresh;
  }

  /**
   * Tells subscribers after commit, and returns what it told them (the caller answers with the same).
   * A failed publish is logged, never undoes the committed change.
   */
  private async publish(payment: Payment): Promise<PaymentView | null> {
    try {
      const view = await loadPaymentView(this.repository, payment);
      await this.pubsub.publish({ merchantId: payment.merchantId, payment: view });
      return view;
    } catch (error) {
      this.logger.error({ err: error, ref: payment.ref }, 'publishing a payment update failed');
      return null;
    }
  }
}

function eventRow(paymentId: number, from: PaymentStatus | null, request: TransitionRequest, applied: boolean, at: Date): NewPaymentEvent {
  return {
    paymentId,
    at,
    source: request.source,
    fromStatus: from,
    toStatus: request.to,
    applied,
    providerEventId: request.providerEventId ?? null,
    providerEventType: request.providerEventType ?? null,
    note: request.note ?? null,
  };
}
