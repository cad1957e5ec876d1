/**
 * Prometheus metrics (prom-client), one registry per gateway instance (tests run several in one
 * process). Each service reports through a named method here, so metric names and labels live in
 * one place and the services never see prom-client.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** What a webhook delivery came to, as operators read it. */
export type WebhookOutcome = 'applied' | 'duplicate' | 'ignored' | 'rejected' | 'failed';

export interface PoolStats {
  used: number;
  free: number;
  pending: number;
}

export class GatewayMetrics {
  readonly registry = new Registry();

  private readonly httpDuration = new Histogram({
    name: 'gateway_http_request_duration_seconds',
    help: 'HTTP requests by route (REST) or operation (GraphQL), method and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  private readonly transitions = new Counter({
    name: 'gateway_payment_transitions_total',
    help: 'Applied payment status changes',
    labelNames: ['from', 'to', 'source'] as const,
    registers: [this.registry],
  });

  private readonly webhooks = new Counter({
    name: 'gateway_webhook_events_total',
    help: 'Stripe webhook deliveries by event type and outcome',
    labelNames: ['type', 'outcome'] as const,
    registers: [this.registry],
  });

  private readonly providerMismatches = new Counter({
    name: 'gateway_provider_session_mismatches_total',
    help: 'Provider sessions not applied because they are not the payment\'s own or charge another amount or currency',
    labelNames: ['reason', 'source'] as const,
    registers: [this.registry],
  });

  private readonly providerDuration = new Histogram({
    name: 'gateway_provider_call_duration_seconds',
    help: 'Calls to the payment provider (Stripe) by operation and outcome',
    labelNames: ['operation', 'outcome'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  private readonly reconcilerRuns = new Counter({
    name: 'gateway_reconciler_runs_total',
    help: 'Reconciler passes',
    registers: [this.registry],
  });

  private readonly reconcilerFixes = new Counter({
    name: 'gateway_reconciler_fixes_total',
    help: 'Payments the reconciler brought up to date, by kind of fix',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  private readonly subscriptions = new Gauge({
    name: 'gateway_subscriptions_active',
    help: 'Live paymentUpdated subscriptions on this instance',
    registers: [this.registry],
  });

  private readonly rateLimitFallbacks = new Counter({
    name: 'gateway_rate_limit_fallback_total',
    help: 'Rate-limit checks counted in this process because Redis did not answer',
    registers: [this.registry],
  });

  /** Probes read at each scrape, by dependency name. */
  private readonly dependencyProbes = new Map<string, () => boolean>();

  constructor({ poolStats }: { poolStats?: () => PoolStats | null } = {}) {
    const probes = this.dependencyProbes;
    new Gauge({
      name: 'gateway_dependency_up',
      help: 'Whether a dependency besides the database is connected (1) or not (0), by dependency',
      labelNames: ['dependency'] as const,
      registers: [this.registry],
      collect() {
        for (const [dependency, isUp] of probes) this.set({ dependency }, isUp() ? 1 : 0);
      },
    });
    collectDefaultMetrics({ register: this.registry, prefix: 'gateway_' });
    if (poolStats) {
      new Gauge({
        name: 'gateway_db_pool_connections',
        help: 'Database pool connections by state',
        labelNames: ['state'] as const,
        registers: [this.registry],
        collect() {
          const stats = poolStats();
          if (!stats) return;
          this.set({ state: 'used' }, stats.used);
          this.set({ state: 'free' }, stats.free);
          this.set({ state: 'pending' }, stats.pending);
        },
      });
    }
  }

  httpRequest(method: string, route: string, status: number, seconds: number): void {
    this.httpDuration.observe({ method, route, status: String(status) }, seconds);
  }

  transitionApplied(from: string, to: string, source: string): void {
    this.transitions.inc({ from, to, source });
  }

  webhookHandled(type: string, outcome: WebhookOutcome): void {
    this.webhooks.inc({ type, outcome });
  }

  providerMismatch(reason: string, source: string): void {
    this.providerMismatches.inc({ reason, source });
  }

  providerCall(operation: string, outcome: string, seconds: number): void {
    this.providerDuration.observe({ operation, outcome }, seconds);
  }

  reconcilerRun(fixes: Record<string, number>): void {
    this.reconcilerRuns.inc();
    for (const [kind, count] of Object.entries(fixes)) if (count > 0) this.reconcilerFixes.inc({ kind }, count);
  }

  rateLimitFallback(): void {
    this.rateLimitFallbacks.inc();
  }

  /** Reports `dependency` in gateway_dependency_up, reading `isUp` at each scrape. */
  watchDependency(dependency: string, isUp: () => boolean): void {
    this.dependencyProbes.set(dependency, isUp);
  }

  subscriptionOpened(): void {
    this.subscriptions.inc();
  }

  subscriptionClosed(): void {
    this.subscriptions.dec();
  }
}
