/**
 * `npm run bench`: the gateway against the floor of the same work with no framework, on this machine,
 * in one run. Prints one table, writes bench/results/<date>.json and <date>.svg.
 *
 *   npm run bench                     the full run (a few minutes)
 *   npm run bench -- --smoke          a few seconds, everything once, small (CI runs it)
 *   npm run bench -- --quick          one concurrency level (16), about a minute: a fix's before and after
 *   npm run bench -- --out DIR        write the results elsewhere
 *   npm run bench -- --only create,read  only these scenarios (create, read, webhook, subscriptions)
 *   npm run bench -- --profile        also write V8 CPU profiles of the gateway (--cpu-prof) to DIR/profiles
 *   npm run bench -- --subscribers N  subscribers in the subscription scenario (default 10 000)
 *
 * Needs MariaDB (BENCH_MYSQL_URL, default mysql://root@127.0.0.1:3306); uses Redis when one answers at
 * BENCH_REDIS_URL (default redis://127.0.0.1:6379), as a multi-instance deployment would.
 * The gateway, the floor server, the emulator and the subscribers each run in their own process;
 * this process generates the load.
 */
import { cpus, totalmem, tmpdir } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer } from 'node:net';
import mysql from 'mysql2/promise';
import Redis from 'ioredis';
import Stripe from 'stripe';
import { startChild, ROOT, type BenchChild } from './lib/processes';
import { alternate, load, paced, type LoadResult, type LoadTarget } from './lib/load';
import { renderChart, type ChartPoint } from './lib/chart';
import { seedPendingPayments, completedEventTemplate, completionEventBody, signatureFor, type SeededPayment } from './lib/fixtures';
import { FLOOR, SUBJECT, TARGETS, judge, type Judged } from './lib/targets';
import { formatTable } from './lib/report';

const SCENARIOS = ['create', 'read', 'webhook', 'subscriptions'] as const;

interface Options {
  /** smoke: seconds, proves every part works (CI); quick: one level, for a fix's before and after; full: the published run. */
  size: 'smoke' | 'quick' | 'full';
  /** Scenarios to run (--only create,read): all by default; a partial run judges only what it ran. */
  only: Set<(typeof SCENARIOS)[number]>;
  out: string;
  profile: boolean;
  subscribers: number;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { size: 'full', only: new Set(SCENARIOS), out: join(ROOT, 'bench/results'), profile: false, subscribers: 10_000 };
  let subscribersGiven = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--smoke') options.size = 'smoke';
    else if (arg === '--quick') options.size = 'quick';
    else if (arg === '--profile') options.profile = true;
    else if (arg === '--only') {
      const wanted = argv[++i]?.split(',') ?? [];
      const unknown = wanted.filter((name) => !(SCENARIOS as readonly string[]).includes(name));
      if (!wanted.length || unknown.length) throw new Error(`--only takes some of ${SCENARIOS.join(',')}`);
      options.only = new Set(wanted as (typeof SCENARIOS)[number][]);
    }
    else if (arg === '--out') options.out = argv[++i];
    else if (arg === '--subscribers') {
      options.subscribers = Number(argv[++i]);
      subscribersGiven = true;
      if (!Number.isInteger(options.subscribers) || options.subscribers < 1) throw new Error('--subscribers takes a positive integer');
    } else throw new Error(`unknown argument ${arg} (see the top of bench/run.ts)`);
  }
  if (!subscribersGiven) options.subscribers = { smoke: 100, quick: 2000, full: 10_000 }[options.size];
  return options;
}

/** How long and how hard: the full run, or the smoke run that only proves every part still works. */
function plan(options: Options) {
  return {
    smoke: { levels: [8], rounds: 1, seconds: 1, warmupSeconds: 0.5, webhookEvents: 200, pacedSeconds: 1, completions: 50 },
    quick: { levels: [16], rounds: 2, seconds: 3, warmupSeconds: 2, webhookEvents: 1000, pacedSeconds: 5, completions: 500 },
    full: { levels: [1, 16, 64], rounds: 2, seconds: 5, warmupSeconds: 2, webhookEvents: 2000, pacedSeconds: 10, completions: 1000 },
  }[options.size];
}

const MYSQL_URL = process.env.BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const DATABASE = `gateway_bench_${process.pid}`;
const WEBHOOK_SECRET = `whsec_bench_${process.pid}_${Date.now()}`;
const STRIPE_KEY = 'sk_test_bench';
/** The selection a customer's status page polls: no history, no line items. */
const PAYMENT_READ = 'query ($ref: ID!) { payment(ref: $ref) { ref status amount currency checkoutUrl updatedAt } }';
const CREATE_PAYMENT = 'mutation ($input: CreatePaymentInput!) { createPayment(input: $input) { ref status amount currency checkoutUrl } }';

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const shape = plan(options);
  mkdirSync(options.out, { recursive: true });
  const logDir = join(tmpdir(), `gateway-bench-${process.pid}`);
  mkdirSync(logDir, { recursive: true });
  const say = (line: string) => process.stderr.write(`[bench] ${line}\n`);

  const admin = await connectMysql(MYSQL_URL);
  const mariadbVersion = ((await admin.query<mysql.RowDataPacket[]>('select version() as v'))[0] as mysql.RowDataPacket[])[0].v as string;
  await admin.query(`drop database if exists \`${DATABASE}\``);
  await admin.query(`create database \`${DATABASE}\``);
  const databaseUrl = `${MYSQL_URL.replace(/\/+$/, '')}/${DATABASE}`;
  const redisUrl = (await redisAnswers(REDIS_URL)) ? REDIS_URL : undefined;
  say(`MariaDB ${mariadbVersion}; Redis ${redisUrl ? 'on' : 'absent: in-process fan-out'}; logs in ${logDir}`);

  const children: BenchChild[] = [];
  let db: mysql.Connection | undefined;
  try {
    const emulator = await startChild('bench/servers/emulator.ts', { env: { STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET }, logFile: join(logDir, 'emulator.log') });
    children.push(emulator);
    const gatewayPort = await freePort();
    const gateway = await startChild('bench/servers/gateway.ts', {
      env: {
        PORT: String(gatewayPort),
        PUBLIC_URL: `http://127.0.0.1:${gatewayPort}`,
        DATABASE_URL: databaseUrl,
        STRIPE_SECRET_KEY: STRIPE_KEY,
        STRIPE_API_URL: emulator.ready.url,
        STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
        NODE_ENV: 'production',
        LOG_LEVEL: 'info',
        // The reconciler's periodic pass is not per-request work; the rate limits would refuse the load.
        RECONCILER_ENABLED: 'false',
        RATE_LIMIT_PER_KEY_PER_MINUTE: '1000000000',
        RATE_LIMIT_PER_IP_PER_MINUTE: '1000000000',
        ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
      },
      execArgv: ['--expose-gc', ...(options.profile ? ['--cpu-prof', `--cpu-prof-dir=${join(options.out, 'profiles')}`] : [])],
      logFile: join(logDir, 'gateway.log'),
    });
    children.push(gateway);
    const gatewayUrl = gateway.ready.url as string;
    const merchant = await gateway.request({ type: 'createMerchant', name: 'Bench merchant' });
    const floorMerchant = await gateway.request({ type: 'createMerchant', name: 'Bench floor merchant' });
    const floor = await startChild('bench/servers/floor.ts', {
      env: { DATABASE_URL: databaseUrl, STRIPE_API_URL: emulator.ready.url, STRIPE_SECRET_KEY: STRIPE_KEY, STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET },
      logFile: join(logDir, 'floor.log'),
    });
    children.push(floor);
    db = await connectMysql(databaseUrl);
    const template = await completedEventTemplate(new Stripe(STRIPE_KEY, stripeTarget(emulator.ready.url)), emulator.ready.url);

    const bench: Bench = {
      gatewayUrl,
      floorUrl: floor.ready.url,
      gatewayCpu: () => gateway.request({ type: 'cpu' }),
      floorCpu: () => floor.request({ type: 'cpu' }),       merchant,
      floorMerchant,
      db,
      template,
      shape,
      say,
      results: {},
    };
    if (options.only.has('create')) await createPayment(bench);
    if (options.only.has('read')) await paymentRead(bench);
    const webhookAtPace = options.only.has('webhook') ? await webhookIngest(bench) : null;
    let subscription: SubscriptionFigures | null = null;
    if (options.only.has('subscriptions')) {
      say(`subscriptions: opening ${options.subscribers} graphql-ws subscribers`);
      subscription = await subscriptionScenario({ ...bench, gateway, subscribers: options.subscribers, logDir });
    }
    const results = bench.results;

    // ── report ───────────────────────────────────────────────────────────────────────────
    const judged: Judged[] = judge(results, webhookAtPace, subscription);
    const date = new Date().toISOString().slice(0, 10);
    const report = {
      date: new Date().toISOString(),
      mode: options.size,
      machine: machine(mariadbVersion, Boolean(redisUrl)),
      plan: shape,
      workload: {
        createPayment: 'two line items, customer email, metadata; unique orderId per request; zero-latency emulator',
        read: PAYMENT_READ,
        webhook: 'checkout.session.completed (payment_status paid) for a PENDING payment, signed per request',
        subscriptions: 'one graphql-ws connection per payment, publishable key, paymentUpdated(ref); completions paced at 200/s',
      },
      results,
      webhookPaced: webhookAtPace,
      subscriptions: subscription,
      targets: TARGETS,
      judged,
    };
    const stem = options.size === 'full' ? date : `${date}-${options.size}`;
    writeFileSync(join(options.out, `${stem}.json`), `${JSON.stringify(report, null, 2)}\n`);
    const points: ChartPoint[] = Object.entries(results).flatMap(([scenario, runs]) =>
      runs.map((run) => ({ scenario, target: run.target, concurrency: run.connections, throughput: run.throughput, p99: run.p99 })),
    );
    writeFileSync(join(options.out, `${stem}.svg`), await renderChart(points, `Gateway vs floor, ${date} (${report.machine.cpu})`));
    process.stdout.write(formatTable(results, webhookAtPace, subscription, judged, report.machine));
    process.stdout.write(`\nwritten: ${join(options.out, `${stem}.json`)} and .svg\n`);

    const failures = Object.values(results).flat().reduce((n, run) => n + run.failures, 0) + (webhookAtPace?.failures ?? 0) + (subscription?.errors ?? 0);
    if (failures > 0) throw new Error(`${failures} requests failed during the bench: the figures are not trustworthy (see ${logDir})`);
    if (subscription && subscription.arrived < subscription.completions) {
      throw new Error(`only ${subscription.arrived} of ${subscription.completions} subscribers heard their completion (first error: ${subscription.firstError})`);
    }
  } finally {
    for (const child of children.reverse()) await child.stop().catch(() => undefined);
    await db?.end();
    await admin.query(`drop database if exists \`${DATABASE}\``);
    await admin.end();
  }
}

/** What every scenario works with. */
interface Bench {
  gatewayUrl: string;
  floorUrl: string;
  gatewayCpu: () => Promise<number>;
  floorCpu: () => Promise<number>;
  merchant: { id: string; secretKey: string; publishableKey: string };
  floorMerchant: { id: string; secretKey: string };
  db: mysql.Connection;
  template: Stripe.Event;
  shape: ReturnType<typeof plan>;
  say: (line: string) => void;
  /** Each scenario's runs, by scenario name. */
  results: Record<string, LoadResult[]>;
}

const auth = (key: string) => ({ authorization: `Bearer ${key}` });
const graphqlOk = (status: number, body: string) => status === 200 && !body.includes('"errors"');
let order = 0;
/** The createPayment input of every create request: a unique orderId, the rest as a shop would send. */
const paymentInput = () => ({
  orderId: `bench-${process.pid}-${++order}`,
  currency: 'usd',
  lineItems: [
    { name: 'T-shirt', unitAmount: 2500, quantity: 2 },
    { name: 'Socks', unitAmount: 700, quantity: 1 },
  ],
  successUrl: 'https://shop.example/thanks',
  cancelUrl: 'https://shop.example/cart',
  customerEmail: 'buyer@example.com',
  metadata: { cartId: 'c-42' },
});

/** Warms every target up, then runs them alternately at each concurrency level. */
async function compareAtEachLevel(bench: Bench, scenario: string, targets: LoadTarget[]): Promise<void> {
  const { shape, say } = bench;
  say(`${scenario}: warming up`);
  for (const target of targets) await load(target, { connections: 8, durationSeconds: shape.warmupSeconds });
  for (const connections of shape.levels) {
    say(`${scenario} at ${connections} connections`);
    (bench.results[scenario] ??= []).push(...(await alternate(targets, { connections, durationSeconds: shape.seconds }, shape.rounds)));
  }
}

/** createPayment over GraphQL and over REST against the raw floor. */
async function createPayment(bench: Bench): Promise<void> {
  const { gatewayUrl, floorUrl, merchant, floorMerchant } = bench;
  await compareAtEachLevel(bench, 'createPayment', [
    {
      name: SUBJECT.createGraphql,
      url: `${gatewayUrl}/graphql`,
      serverCpuMicros: bench.gatewayCpu,
      headers: auth(merchant.secretKey),
      body: () => JSON.stringify({ query: CREATE_PAYMENT, variables: { input: paymentInput() } }),
      accept: graphqlOk,
    },
    {
      name: SUBJECT.createRest,
      url: `${gatewayUrl}/api/v1/payment`,
      serverCpuMicros: bench.gatewayCpu,
      headers: auth(merchant.secretKey),
      body: () => JSON.stringify(paymentInput()),
      accept: (status) => status === 201,
    },
    {
      name: FLOOR.create,
      url: `${floorUrl}/payment`,
      serverCpuMicros: bench.floorCpu,
      headers: auth(floorMerchant.secretKey),
      body: () => JSON.stringify(paymentInput()),
      accept: (status) => status === 201,
    },
  ]);
}

/** payment(ref) against Apollo's own { __typename } on the same server, with the same key. */
async function paymentRead(bench: Bench): Promise<void> {
  const { gatewayUrl, merchant, db } = bench;
  const readable = await seedPendingPayments(db, merchant.id, 1000, 'read');
  let nextRead = 0;
  await compareAtEachLevel(bench, 'payment(ref)', [
    {
      name: SUBJECT.read,
      url: `${gatewayUrl}/graphql`,
      serverCpuMicros: bench.gatewayCpu,
      headers: auth(merchant.secretKey),
      body: () => JSON.stringify({ query: PAYMENT_READ, variables: { ref: readable[nextRead++ % readable.length].ref } }),
      accept: (status, body) => graphqlOk(status, body) && body.includes('"status":"PENDING"'),
    },
    {
      name: FLOOR.read,
      url: `${gatewayUrl}/graphql`,
      serverCpuMicros: bench.gatewayCpu,
      headers: auth(merchant.secretKey),
      body: () => '{"query":"{ __typename }"}',
      accept: graphqlOk,
    },
  ]);
}

/**
 * Webhook ingest: signed checkout.session.completed → SUCCEEDED, against the raw floor, then the
 * gateway alone paced at 200 events/s. Returns the paced run.
 */
async function webhookIngest(bench: Bench): Promise<LoadResult> {
  const { gatewayUrl, floorUrl, merchant, floorMerchant, db, template, shape, say } = bench;
  // Each run gets fresh PENDING payments (an event applies once); each body is signed as it is sent.
  let queue: SeededPayment[] = [];
  const nextEventBody = () => {
    const payment = queue.pop();
    if (!payment) throw new Error('webhook bench ran out of prepared payments');
    return completionEventBody(template, payment);
  };
  const signed = (body: string) => ({ 'stripe-signature': signatureFor(body, WEBHOOK_SECRET) });
  const gatewayWebhook: LoadTarget = {
    name: SUBJECT.webhook,
    url: `${gatewayUrl}/api/v1/webhooks/stripe`,
    serverCpuMicros: bench.gatewayCpu,
    body: nextEventBody,
    headersFor: signed,
    accept: (status, body) => status === 200 && body.includes('"handling":"applied"'),
  };
  const floorWebhook: LoadTarget = {
    name: FLOOR.webhook,
    url: `${floorUrl}/webhook`,
    serverCpuMicros: bench.floorCpu,
    body: nextEventBody,
    headersFor: signed,
    accept: (status) => status === 200,
  };
  const eventsSent = new Map<LoadTarget, number>([[gatewayWebhook, 0], [floorWebhook, 0]]);
  const prepareEvents = (events: number) => async (target: LoadTarget) => {
    queue = await seedPendingPayments(db, target === gatewayWebhook ? merchant.id : floorMerchant.id, events, 'hook');
    eventsSent.set(target, eventsSent.get(target)! + events);
  };
  say('webhook ingest: warming up');
  const warmupEvents = Math.min(500, shape.webhookEvents);
  await alternate([gatewayWebhook, floorWebhook], { connections: 8, amount: warmupEvents }, 1, prepareEvents(warmupEvents));
  for (const connections of shape.levels) {
    say(`webhook ingest at ${connections} connections`);
    const runs = await alternate([gatewayWebhook, floorWebhook], { connections, amount: shape.webhookEvents }, shape.rounds, prepareEvents(shape.webhookEvents));
    (bench.results['webhook ingest'] ??= []).push(...runs);
  }
  say('webhook ingest paced at 200 events/s');
  const pacedEvents = 200 * shape.pacedSeconds;
  await prepareEvents(pacedEvents)(gatewayWebhook);
  const atPace = await paced(gatewayWebhook, { connections: 32, amount: pacedEvents, ratePerSecond: 200 });
  // Every event sent must really have made its payment SUCCEEDED, on both sides.
  const webhookCheck = {
    gateway: { sent: eventsSent.get(gatewayWebhook)!, succeeded: await countSucceeded(db, merchant.id) },
    floor: { sent: eventsSent.get(floorWebhook)!, succeeded: await countSucceeded(db, floorMerchant.id) },
  };
  if (webhookCheck.gateway.sent !== webhookCheck.gateway.succeeded || webhookCheck.floor.sent !== webhookCheck.floor.succeeded) {
    throw new Error(`webhook events and SUCCEEDED payments differ: ${JSON.stringify(webhookCheck)}`);
  }

  return atPace;
}

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
async function subscriptionScenario(context: Bench & { gateway: BenchChild; subscribers: number; logDir: string }): Promise<SubscriptionFigures> {
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
          headersFor: (body) => ({ 'stripe-signature': signatureFor(body, WEBHOOK_SECRET) }),
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

async function countSucceeded(db: mysql.Connection, merchantId: string): Promise<number> {
  const [rows] = await db.query<mysql.RowDataPacket[]>("select count(*) as n from payment where merchant_id = ? and status = 'SUCCEEDED'", [merchantId]);
  return Number(rows[0].n);
}

function percentile(sorted: number[], q: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function connectMysql(url: string): Promise<mysql.Connection> {
  try {
    return await mysql.createConnection({ uri: url, timezone: 'Z', multipleStatements: false });
  } catch (error) {
    throw new Error(`the bench needs MariaDB/MySQL at ${url} (set BENCH_MYSQL_URL): ${(error as Error).message}`);
  }
}

async function redisAnswers(url: string): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

function stripeTarget(url: string): Stripe.StripeConfig {
  const target = new URL(url);
  return { host: target.hostname, port: Number(target.port), protocol: 'http', maxNetworkRetries: 0 };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function machine(mariadb: string, redis: boolean) {
  const cpu = cpus();
  return {
    cpu: `${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}`,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    mariadb,
    redis,
  };
}

main().catch((error) => {
  console.error(`[bench] failed: ${(error as Error).stack ?? error}`);
  process.exit(1);
});
