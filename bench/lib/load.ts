/**
 * Load with autocannon (as a library), and the alternation that makes ratios fair: subject and floor
 * take turns (A B B A …) so that drift of the machine during the run hits both sides alike.
 */
import { Agent, request as httpRequest } from 'node:http';
import autocannon from 'autocannon';

export interface LoadTarget {
  name: string;
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  /** A fresh body for each request (unique order ids, the next event, the next ref…). */
  body: () => string;
  /** Headers that depend on the body (a webhook's signature over it). */
  headersFor?: (body: string) => Record<string, string>;
  /** Checks one answer; false counts as a failed request (a GraphQL error inside a 200, say). */
  accept?: (status: number, body: string) => boolean;
  /** The CPU time (µs, user + system) the serving process has used so far: gives CPU per request. */
  serverCpuMicros?: () => Promise<number>;
}

export interface LoadShape {
  connections: number;
  /** Seconds, or… */
  durationSeconds?: number;
  /** …a fixed number of requests. */
  amount?: number;
  /** Requests per second over all connections; unset: as fast as the server answers. */
  overallRate?: number;
}

export interface LoadResult {
  target: string;
  connections: number;
  requests: number;
  /** Answers per second over the run. */
  throughput: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** Answers refused by `accept`, non-2xx answers, socket errors and timeouts. */
  failures: number;
  seconds: number;
  /** CPU the serving process spent per answered request (ms), when the target says how to ask. */
  serverCpuMs: number | null;
}

export async function load(target: LoadTarget, shape: LoadShape): Promise<LoadResult> {
  let refused = 0;
  // Throughput is timed from the first request sent to the last answer received: autocannon's own
  // clock ticks once a second, too coarse for a run of a fixed number of requests.
  let firstSentAt: bigint | null = null;
  let lastAnsweredAt: bigint | null = null;
  const cpuBefore = await target.serverCpuMicros?.();
  const result = await autocannon({
    url: target.url,
    connections: shape.connections,
    pipelining: 1,
    // autocannon refuses keys given as undefined: pass only those set.
    ...(shape.amount !== undefined ? { amount: shape.amount } : { duration: shape.durationSeconds }),
    ...(shape.overallRate !== undefined ? { overallRate: shape.overallRate } : {}),
    timeout: 30,
    requests: [
      {
        method: target.method ?? 'POST',
        headers: { 'content-type': 'application/json', ...target.headers },
        setupRequest: (request) => {
          firstSentAt ??= process.hrtime.bigint();
          const body = target.body();
          return target.headersFor ? { ...request, body, headers: { ...request.headers, ...target.headersFor(body) } } : { ...request, body };
        },
        onResponse: (status, body) => {
          lastAnsweredAt = process.hrtime.bigint();
          if (target.accept && !target.accept(status, body)) refused++;
        },
      },
    ],
  });
  const answered = result.requests.total;
  const cpuAfter = await target.serverCpuMicros?.();
  const seconds = firstSentAt !== null && lastAnsweredAt !== null ? Number(lastAnsweredAt - firstSentAt) / 1e9 : NaN;
  return {
    target: target.name,
    connections: shape.connections,
    requests: answered,
    throughput: answered / seconds,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
    failures: refused + result.non2xx + result.errors + result.timeouts,
    seconds,
    serverCpuMs: cpuPerRequest(cpuBefore, cpuAfter, answered),
  };
}

/** Mean of several runs of one target at one concurrency (latencies: the mean of each run's percentile). */
export function meanOf(runs: LoadResult[]): LoadResult {
  const mean = (pick: (run: LoadResult) => number) => runs.reduce((sum, run) => sum + pick(run), 0) / runs.length;
  return {
    target: runs[0].target,
    connections: runs[0].connections,
    requests: runs.reduce((sum, run) => sum + run.requests, 0),
    throughput: mean((run) => run.throughput),
    p50: mean((run) => run.p50),
    p90: mean((run) => run.p90),
    p99: mean((run) => run.p99),
    max: Math.max(...runs.map((run) => run.max)),
    failures: runs.reduce((sum, run) => sum + run.failures, 0),
    seconds: runs.reduce((sum, run) => sum + run.seconds, 0),
    serverCpuMs: runs.every((run) => run.serverCpuMs !== null) ? mean((run) => run.serverCpuMs!) : null,
  };
}

/**
 * Runs every target `rounds` times at one shape, alternating their order each round
 * (round 1: A B C, round 2: C B A, …), and returns each target's mean.
 * `prepare` runs before each single run (fresh payments for the webhook ingest, say).
 */
export async function alternate(
  targets: LoadTarget[],
  shape: LoadShape,
  rounds: number,
  prepare?: (target: LoadTarget) => Promise<void>,
): Promise<LoadResult[]> {
  const runs = new Map<string, LoadResult[]>(targets.map((target) => [target.name, []]));
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? targets : [...targets].reverse();
    for (const target of order) {
      await prepare?.(target);
      runs.get(target.name)!.push(await load(target, shape));
    }
  }
  return targets.map((target) => meanOf(runs.get(target.name)!));
}

/**
 * Requests sent at an even pace (one every 1/rate s), as a webhook sender spreads its deliveries,
 * each on a free keep-alive connection of a pool. autocannon's own rate limit sends each second's
 * share in a burst at the start of the second, which measures queueing after a burst, not a pace.
 * Latency is measured per request, from the moment it is written to its last byte.
 */
export async function paced(target: LoadTarget, shape: { ratePerSecond: number; amount: number; connections: number }): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: shape.connections });
  const url = new URL(target.url);
  const latencies: number[] = [];
  let failures = 0;
  const cpuBefore = await target.serverCpuMicros?.();
  const started = performance.now();
  const requests: Promise<void>[] = [];
  for (let i = 0; i < shape.amount; i++) {
    const due = started + (i * 1000) / shape.ratePerSecond;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const body = target.body();
    const headers = { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...target.headers, ...target.headersFor?.(body) };
    requests.push(
      new Promise<void>((resolve) => {
        const sentAt = performance.now();
        const request = httpRequest({ agent, host: url.hostname, port: url.port, path: url.pathname, method: target.method ?? 'POST', headers }, (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => {
            latencies.push(performance.now() - sentAt);
            const text = Buffer.concat(chunks).toString('utf8');
            if (response.statusCode! < 200 || response.statusCode! > 299 || (target.accept && !target.accept(response.statusCode!, text))) failures++;
            resolve();
          });
        });
        request.on('error', () => {
          failures++;
          resolve();
        });
        request.end(body);
      }),
    );
  }
  await Promise.all(requests);
  const seconds = (performance.now() - started) / 1000;
  const cpuAfter = await target.serverCpuMicros?.();
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    target: target.name,
    connections: shape.connections,
    requests: latencies.length,
    throughput: latencies.length / seconds,
    p50: percentile(latencies, 0.5),
    p90: percentile(latencies, 0.9),
    p99: percentile(latencies, 0.99),
    max: latencies.at(-1) ?? NaN,
    failures,
    seconds,
    serverCpuMs: cpuPerRequest(cpuBefore, cpuAfter, latencies.length),
  };
}

/** The q-quantile (0..1) of ascending values, by the nearest rank; NaN when there are none. */
export function percentile(sorted: number[], q: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/** ms of the serving process's CPU per answered request, from its CPU time (µs) before and after. */
function cpuPerRequest(before: number | undefined, after: number | undefined, answered: number): number | null {
  return before !== undefined && after !== undefined && answered > 0 ? (after - before) / 1000 / answered : null;
}
