/**
 * The subscription scenario of `npm run bench`: N graphql-ws subscribers (one per payment), the
 * gateway's memory per subscriber, and the delay from a completion to its subscriber.
 */
import { join } from 'node:path';
import { startChild, type BenchChild } from './lib/processes';
import { paced, percentile } from './lib/load';
import { seedPendingPayments, completionEventBody, signatureFor, type SeededPayment } from './lib/fixtures';
import type { Bench } from './scenarios';

export interface SubscriptionFigures {
  subscribers: number;
  opened: number;
  openSeconds: number;
  /** Server process, after a full GC, before the subscribers and with all of them. */
  memoryBefore: { rss: number; heapUsed: number; external: number };
  memoryWith: { rss: number; heapUsed: number; external: number };
  bytesPerSubscriber: { rss: number; heap: number };
  completions: number;
  arrived: number;
  delayMs: { p50: number; p99: number; max: number };
  errors: number;
  firstError: string | null;
}

/**
 * N graphql-ws subscribers, one per PENDING payment: the gateway's memory before and with them, then
 * a sample of their payments completed by signed webhooks paced at 200/s, each timed from its send
 * to the moment its subscriber hears SUCCEEDED.
 */
export async function subscriptionScenario(context: Bench & { gateway: BenchChild; subscribers: number; logDir: string }): Promise<SubscriptionFigures> {
  const { gateway, gatewayUrl, db, merchant, template, subscribers, say } = context;
  const completions = Math.min(context.shape.completions, subscribers);
  const payments = await seedPendingPayments(db, merchant.id, subscribers, 'sub');
  const swarm = await startChild('bench/servers/subscribers.ts', { env: {}, logFile: join(context.logDir, 'subscribers.log'), execArgv: ['--max-old-space-size=4096'] });
  try {
    const memoryBefore = await gateway.request({ type: 'memory' });
    const started = Date.now();
    const { opened, errors: openErrors } = await swarm.request({
      type: 'open',
      url: `${gatewayUrl.replace('http', 'ws')}/graphql`,
      key: merchant.publishableKey,
      refs: payments.map((payment) => payment.ref),
    });
    await waitFor(async () => (await activeSubscriptions(gatewayUrl)) >= subscribers, 120_000, 'every subscription to register');
    const openSeconds = (Date.now() - started) / 1000;
    const memoryWith = await gateway.request({ type: 'memory' });
    say(`subscriptions: ${opened} open in ${openSeconds.toFixed(1)} s; completing ${completions} payments at 200/s`);

    // Completions paced at 200/s, as Stripe would send them, through the same even pacer as the
    // webhook scenario; each is timed from the moment its request is built. A tenth as many go first,
    // unmeasured, to warm the delivery path up (as every other scenario is warmed up).
    const sentAt = new Map<string, number>();
    const warmup = Math.min(Math.ceil(completions / 10), subscribers - completions);
    const completeAtPace = (batch: SeededPayment[]) => {
      let next = 0;
      return paced(
        {
          name: 'completions',
          url: `${gatewayUrl}/api/v1/webhooks/stripe`,
          serverCpuMicros: context.gatewayCpu,
          body: () => {
            const payment = batch[next++];
            sentAt.set(payment.ref, Date.now());
            return completionEventBody(template, payment);
          },
          headersFor: (body) => ({ 'stripe-signature': signatureFor(body, context.webhookSecret) }),
          accept: (status, body) => status === 200 && body.includes('"handling":"applied"'),
        },
        { connections: 32, amount: batch.length, ratePerSecond: 200 },
      );
    };
    const warmupDelivery = await completeAtPace(payments.slice(completions, completions + warmup));
    const chosen = payments.slice(0, completions);
    const delivery = await completeAtPace(chosen);
    let arrivals: { arrivedAt: Record<string, number>; errors: number; firstError: string | null } = { arrivedAt: {}, errors: 0, firstError: null };
    await waitFor(async () => {
      arrivals = await swarm.request({ type: 'arrivals' });
      return Object.keys(arrivals.arrivedAt).length >= completions + warmup;
    }, 30_000, 'every completion to reach its subscriber').catch(() => undefined);
    const delays = chosen
      .map((payment) => arrivals.arrivedAt[payment.ref] - sentAt.get(payment.ref)!)
      .filter((delay) => Number.isFinite(delay))
      .sort((a, b) => a - b);
    say(`subscriptions: webhook answered p50 ${delivery.p50.toFixed(1)} ms, p99 ${delivery.p99.toFixed(1)} ms, gateway CPU ${delivery.serverCpuMs?.toFixed(2)} ms each`);
    await swarm.request({ type: 'close' });
    return {
      subscribers,
      opened,
      openSeconds,
      memoryBefore,
      memoryWith,
      bytesPerSubscriber: {
        rss: (memoryWith.rss - memoryBefore.rss) / subscribers,
        heap: (memoryWith.heapUsed + memoryWith.external - memoryBefore.heapUsed - memoryBefore.external) / subscribers,
      },
      completions,
      arrived: delays.length,
      delayMs: { p50: percentile(delays, 0.5), p99: percentile(delays, 0.99), max: delays.at(-1) ?? NaN },
      errors: openErrors + arrivals.errors + delivery.failures + warmupDelivery.failures,
      firstError: arrivals.firstError,
    };
  } finally {
    await swarm.stop();
  }
}

async function activeSubscriptions(gatewayUrl: string): Promise<number> {
  const text = await (await fetch(`${gatewayUrl}/metrics`)).text();
  const match = /^gateway_subscriptions_active (\d+)/m.exec(text);
  return match ? Number(match[1]) : 0;
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

