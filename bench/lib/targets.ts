/**
 * The targets of the bench (issue: "Fast, and proven fast"), stated once, and how each is judged.
 * Throughput ratios compare peaks: each side's best throughput over the concurrency levels run.
 */
import type { LoadResult } from './load';
import type { SubscriptionFigures } from '../subscriptions';

export const TARGETS = {
  createPaymentGraphqlVsFloor: { atLeast: 0.5, what: 'createPayment over GraphQL, peak throughput ÷ raw floor' },
  createPaymentRestVsFloor: { atLeast: 0.5, what: 'createPayment over REST, peak throughput ÷ raw floor' },
  paymentReadVsTypename: { atLeast: 0.7, what: "payment(ref), peak throughput ÷ Apollo's { __typename }" },
  webhookVsFloor: { atLeast: 0.5, what: 'webhook ingest to SUCCEEDED, peak throughput ÷ raw floor' },
  webhookP99At200: { atMost: 50, what: 'webhook ingest p99 at 200 events/s (ms)' },
  bytesPerSubscriber: { atMost: 20 * 1024, what: 'server memory per graphql-ws subscriber (heap + external after GC, bytes)' },
  completionToSubscriberP99: { atMost: 100, what: 'completion-to-subscriber delay p99 (ms)' },
} as const;

export type TargetName = keyof typeof TARGETS;

export interface Judged {
  name: TargetName;
  what: string;
  value: number;
  target: string;
  met: boolean;
}

/** The target's best throughput over the levels run; NaN when it was not run. */
function peak(runs: LoadResult[] | undefined, target: string): number {
  const throughputs = (runs ?? []).filter((run) => run.target === target).map((run) => run.throughput);
  return throughputs.length ? Math.max(...throughputs) : NaN;
}

/** Every target of what was run (a partial run, --only, judges only its own). */
export function judge(results: Record<string, LoadResult[]>, paced: LoadResult | null, subscriptions: SubscriptionFigures | null): Judged[] {
  const values: Record<TargetName, number | undefined> = {
    createPaymentGraphqlVsFloor: peak(results.createPayment, SUBJECT.createGraphql) / peak(results.createPayment, FLOOR.create),
    createPaymentRestVsFloor: peak(results.createPayment, SUBJECT.createRest) / peak(results.createPayment, FLOOR.create),
    paymentReadVsTypename: peak(results['payment(ref)'], SUBJECT.read) / peak(results['payment(ref)'], FLOOR.read),
    webhookVsFloor: peak(results['webhook ingest'], SUBJECT.webhook) / peak(results['webhook ingest'], FLOOR.webhook),
    webhookP99At200: paced?.p99,
    bytesPerSubscriber: subscriptions?.bytesPerSubscriber.heap,
    completionToSubscriberP99: subscriptions?.delayMs.p99,
  };
  const ran = (name: TargetName) => {
    const value = values[name];
    return value !== undefined && !Number.isNaN(value);
  };
  return (Object.keys(TARGETS) as TargetName[]).filter(ran).map((name) => {
    const target = TARGETS[name] as { atLeast?: number; atMost?: number; what: string };
    const value = values[name]!;
    const met = target.atLeast !== undefined ? value >= target.atLeast : value <= target.atMost!;
    return { name, what: target.what, value, target: target.atLeast !== undefined ? `≥ ${target.atLeast}` : `≤ ${target.atMost}`, met };
  });
}

/** The names the bench gives the gateway's targets and their floors. */
export const SUBJECT = {
  createGraphql: 'gateway GraphQL',
  createRest: 'gateway REST',
  read: 'gateway payment(ref)',
  webhook: 'gateway webhook',
} as const;

export const FLOOR = {
  create: 'floor: node:http + mysql2 + stripe',
  read: 'floor: Apollo { __typename }',
  webhook: 'floor: mysql2 insert + guarded update',
} as const;
