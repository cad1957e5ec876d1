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
import mysql from 'mysql2/promise';
import Redis from 'ioredis';
import Stripe from 'stripe';
import { startChild, ROOT, type BenchChild } from './lib/processes';
import { freePort } from '../test/support/free-port';
import { renderChart, type ChartPoint } from './lib/chart';
import { completedEventTemplate } from './lib/fixtures';
import { TARGETS, judge, type Judged } from './lib/targets';
import { formatTable } from './lib/report';
import { createPayment, paymentRead, webhookIngest, PAYMENT_READ, type Bench } from './scenarios';
import { subscriptionScenario, type SubscriptionFigures } from './subscriptions';

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
export function plan(options: Options) {
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
        RATE_LIMIT_REDIRECTS_PER_IP_PER_MINUTE: '1000000000',
        // The subscriber swarm opens thousands of sockets from one address with one key.
        WS_MAX_SOCKETS_PER_KEY: '1000000',
        WS_MAX_SOCKETS_PER_ADDRESS: '1000000',
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
      webhookSecret: WEBHOOK_SECRET,
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
