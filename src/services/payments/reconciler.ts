/**
 * The reconciler: ends every payment in the state the provider holds, whatever was lost on the way.
 * It runs in every instance, at start-up and then every interval; instances never work on the same
 * payment at once (each claims a row with a lease, a guarded update that only one can win), and the
 * event replay runs under one named lease. Each pass:
 * 1. PROCESSING payments whose session creation was interrupted: create it again with the same
 *    idempotency key (which finds the session if it was made) → PENDING, or FAILED if refused.
 * 2. PENDING payments past expiresAt, or without news for a while: read the session, apply it.
 * 3. Events whose delivery failed: fetched back from the provider and applied as webhooks are.
 * 4. Idempotency-Key records left running by a request that died: settled (idempotency.service.ts).
 * 5. Idempotency records past their 24 hours: forgotten, whatever their state.
 * All changes go through the same flows and transition function as requests and webhooks (source
 * RECONCILER); the payment rows are read and leased through the payment repository.
 */
import { randomUUID } from 'node:crypto';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { Orm } from '../../orm';
import { JobLease } from '../../entities/job-lease.entity';
import { GatewayError } from '../../domain/errors';
import { PaymentEventSource, PaymentStatus } from '../../domain/payment-status';
import type { PaymentProvider } from '../../domain/payment-provider';
import type { Logger } from '../../logger';
import type { AbandonedPayment, IdempotencyService } from './idempotency.service';
import { loadPaymentView } from './payment-view';
import type { PaymentRepository } from './payment.repository';
import type { OpenCheckoutSession } from './use-cases/open-checkout-session';
import type { ApplySessionState } from './use-cases/apply-session-state';
import type { ApplyProviderEvent } from './use-cases/apply-provider-event';
import type { GatewayMetrics } from '../../telemetry/metrics';

export interface ReconcilerOptions {
  intervalMs: number;
  /** A PROCESSING payment untouched this long had its creation interrupted. */
  processingAfterMs: number;
  /** A PENDING payment without news this long is asked about (and then again only after as long). */
  pendingStaleAfterMs: number;
  /** How far back undelivered events are looked for. */
  eventLookbackMs: number;
  /** Payments taken per kind and pass. */
  batchSize: number;
}

export interface ReconcileReport {
  finished: number;
  synced: number;
  eventsReplayed: number;
  idempotencySettled: number;
  idempotencyPurged: number;
}

export interface ReconcilerDeps {
  /** For the named job lease of the event replay. */
  orm: Orm;
  repository: PaymentRepository;
  provider: PaymentProvider;
  idempotency: IdempotencyService;
  openCheckoutSession: OpenCheckoutSession;
  applySessionState: ApplySessionState;
  applyProviderEvent: ApplyProviderEvent;
  options: ReconcilerOptions;
  metrics: GatewayMetrics;
  logger: Logger;
}

const IDEMPOTENCY_RETENTION_MS = 24 * 3_600_000;
/** How long one instance holds a claimed payment: longer than any provider call with its retries. */
const CLAIM_MS = 120_000;

export class Reconciler {
  private timer: NodeJS.Timeout | null = null;
  /** Names this instance as the holder of the leases it takes. */
  private readonly instanceId = randomUUID();
  private running: Promise<ReconcileReport> | null = null;

  constructor(private readonly deps: ReconcilerDeps) {}

  /** Runs a pass now, then every interval. */
  start(): void {
    void this.runOnce();
    this.timer = setInterval(() => void this.runOnce(), this.deps.options.intervalMs);
    this.timer.unref();
  }

  /** No new pass starts; the one running (if any) is let finish. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  /** One pass; concurrent calls share the pass in flight. Never throws: failures are logged. */
  runOnce(): Promise<ReconcileReport> {
    this.running ??= this.pass().finally(() => (this.running = null));
    return this.running;
  }

  private async pass(): Promise<ReconcileReport> {
    const report: ReconcileReport = { finished: 0, synced: 0, eventsReplayed: 0, idempotencySettled: 0, idempotencyPurged: 0 };
    const steps: [keyof ReconcileReport, () => Promise<number>][] = [
      ['finished', () => this.finishInterruptedCreations()],
      ['synced', () => this.syncQuietPendingPayments()],
      ['eventsReplayed', () => this.replayUndeliveredEvents()],
      ['idempotencySettled', () => this.deps.idempotency.settleAbandoned((merchantId, ref) => this.abandonedPayment(merchantId, ref), this.deps.options.batchSize)],
      ['idempotencyPurged', () => this.deps.idempotency.purge(new Date(Date.now() - IDEMPOTENCY_RETENTION_MS))],
    ];
    for (const [name, step] of steps) {
      try {
        report[name] = await step();
      } catch (error) {
        this.deps.logger.warn({ err: error, step: name }, 'reconciler step failed; the next pass tries again');
      }
    }
    this.deps.logger.info(report, 'reconciler pass done');
    this.deps.metrics.reconcilerRun({
      finished: report.finished,
      synced: report.synced,
      events_replayed: report.eventsReplayed,
      idempotency_settled: report.idempotencySettled,
    });
    return report;
  }

  private async finishInterruptedCreations(): Promise<number> {
    const candidates = await this.deps.repository.claimInterruptedCreations(
      new Date(Date.now() - this.deps.options.processingAfterMs),
      CLAIM_MS,
      this.deps.options.batchSize,
    );
    let finished = 0;
    for (const payment of candidates) {
      try {
        await this.deps.openCheckoutSession.openFor(payment, PaymentEventSource.RECONCILER);
        finished += 1;
      } catch (error) {
        // A refusal already failed the payment; an outage leaves it for the next pass.
        if (error instanceof GatewayError && error.code === 'PROVIDER_ERROR') finished += 1;
        else this.deps.logger.warn({ err: error, ref: payment.ref }, 'could not finish an interrupted payment yet');
      }
    }
    return finished;
  }

  private async syncQuietPendingPayments(): Promise<number> {
    const now = Date.now();
    const candidates = await this.deps.repository.claimQuietPending(
      new Date(now),
      new Date(now - this.deps.options.pendingStaleAfterMs),
      // The claim doubles as a back-off: a payment still open at the provider is asked again only later.
      this.deps.options.pendingStaleAfterMs,
      this.deps.options.batchSize,
    );
    let synced = 0;
    for (const payment of candidates) {
      try {
        const session = await this.deps.provider.retrieveCheckoutSession(payment.providerSessionId!);
        const after = await this.deps.applySessionState.applyTo(payment, session, PaymentEventSource.RECONCILER);
        if (after.status !== payment.status) synced += 1;
      } catch (error) {
        this.deps.logger.warn({ err: error, ref: payment.ref }, 'could not sync a pending payment yet');
      }
    }
    return synced;
  }

  private async replayUndeliveredEvents(): Promise<number> {
    const lease = 'reconciler:event-replay';
    if (!(await this.takeJobLease(lease, CLAIM_MS))) return 0; // another instance is replaying right now
    try {
      const events = await this.deps.provider.listUndeliveredEvents(new Date(Date.now() - this.deps.options.eventLookbackMs));
      let replayed = 0;
      for (const event of events) {
        const { handling } = await this.deps.applyProviderEvent.execute(event, PaymentEventSource.RECONCILER);
        if (handling === 'applied') replayed += 1;
      }
      return replayed;
    } finally {
      // Only while still ours: a pass that outlived its lease must not free another instance's.
      await this.deps.orm.em.fork().nativeUpdate(JobLease, { name: lease, holder: this.instanceId }, { leaseUntil: new Date() });
    }
  }

  /** The payment an abandoned Idempotency-Key reserved, as a repeat of that request would be answered. */
  private async abandonedPayment(merchantId: string, ref: string): Promise<AbandonedPayment> {
    const payment = await this.deps.repository.findOwned(merchantId, ref);
    if (!payment) return null;
    return payment.status === PaymentStatus.PROCESSING ? 'processing' : loadPaymentView(this.deps.repository, payment);
  }

  /** Takes the named lease when it is free or lapsed; false when another instance holds it. */
  private async takeJobLease(name: string, holdMs: number): Promise<boolean> {
    const em = this.deps.orm.em.fork();
    const now = new Date();
    const until = new Date(now.getTime() + holdMs);
    try {
      await em.insert(JobLease, { name, leaseUntil: until, holder: this.instanceId });
      return true;
    } catch (error) {
      if (!(error instanceof UniqueConstraintViolationException)) throw error;
    }
    return (await em.nativeUpdate(JobLease, { name, leaseUntil: { $lt: now } }, { leaseUntil: until, holder: this.instanceId })) === 1;
  }
}
