/**
 * The built gateway (`npm start`: npm run build, then node dist/src/main.js) stopped by SIGTERM in
 * each NODE_ENV, idle and under load, and refused in production without a Stripe key. Built once for
 * the file. Development and test run sandbox mode on an embedded SQLite file in a temp directory;
 * production runs on a scratch MariaDB database, the suite's Redis and a standalone emulator.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { createConnection } from 'mysql2/promise';
import { createStripeEmulator, type StripeEmulator } from '../../src/stripe-emulator';
import { createOrm, migrate } from '../../src/orm';
import { MerchantService } from '../../src/services/merchants/merchant.service';
import { freePort, paymentInput } from '../support/gateway-harness';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-database';
import { buildGateway, spawnBuiltGateway, startBuiltGatewayProcess, startWithNpmStart, type GatewayProcess } from '../support/gateway-process';
import { waitFor } from '../support/checkout-kit';

const GRACE_MS = 6000;

/** True when nothing accepts connections on the port (127.0.0.1). */
function portClosed(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

/** SIGTERM, then the exit code and how long it took; a process still alive after `limitMs` is killed and fails the test. */
async function terminate(gateway: GatewayProcess, limitMs: number): Promise<{ code: number | null; elapsedMs: number }> {
  const started = Date.now();
  const exited = gateway.stop('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const tooLate = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      gateway.child.kill('SIGKILL');
      reject(new Error(`still running ${limitMs} ms after SIGTERM:\n${gateway.output().slice(-3000)}`));
    }, limitMs);
  });
  try {
    const code = await Promise.race([exited, tooLate]);
    return { code, elapsedMs: Date.now() - started };
  } finally {
    clearTimeout(timer);
  }
}

beforeAll(async () => {
  await buildGateway();
}, 180_000);

describe('production without STRIPE_SECRET_KEY', () => {
  it('refuses to start: exit code non-zero, a message naming STRIPE_SECRET_KEY, no port opened', async () => {
    const [port, emulatorPort] = [await freePort(), await freePort()];
    const dir = mkdtempSync(join(tmpdir(), 'gateway-nokey-'));
    try {
      const child = spawnBuiltGateway({ NODE_ENV: 'production', PORT: String(port), STRIPE_EMULATOR_PORT: String(emulatorPort), DATABASE_URL: `sqlite:${dir}/gateway.sqlite` });
      let output = '';
      child.stdout!.on('data', (chunk) => (output += chunk));
      child.stderr!.on('data', (chunk) => (output += chunk));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(code).not.toBe(0);
      expect(code).not.toBeNull();
      expect(output).toContain('STRIPE_SECRET_KEY');
      expect(output).not.toContain('listening');
      expect(await portClosed(port)).toBe(true);
      expect(await portClosed(emulatorPort)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});

describe.each(['development', 'test'])('sandbox mode, NODE_ENV=%s, idle', (nodeEnv) => {
  it('SIGTERM: exit 0 within the grace after closing everything; the HTTP and emulator ports are closed', async () => {
    const [port, emulatorPort] = [await freePort(), await freePort()];
    const dir = mkdtempSync(join(tmpdir(), `gateway-${nodeEnv}-`));
    try {
      const gateway = await startBuiltGatewayProcess(
        {
          NODE_ENV: nodeEnv,
          PORT: String(port),
          STRIPE_EMULATOR_PORT: String(emulatorPort),
          DATABASE_URL: `sqlite:${dir}/gateway.sqlite`,
          SHUTDOWN_GRACE_MS: String(GRACE_MS),
        },
        // Sandbox mode prints its demo merchant's key on purpose: kept out of the suite's secret-checked log.
        { appendToSuiteLog: false },
      );
      expect(await portClosed(emulatorPort)).toBe(false);
      const { code, elapsedMs } = await terminate(gateway, GRACE_MS + 5000);
      expect(code).toBe(0);
      expect(elapsedMs).toBeLessThan(GRACE_MS);
      expect(gateway.output()).toContain('shutdown complete'); // closed in order, not cut by the grace
      expect(await portClosed(port)).toBe(true);
      expect(await portClosed(emulatorPort)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 40_000);
});

describe('`npm start` itself, as the README runs it', () => {
  it('a SIGTERM sent to npm (as a container runtime sends it to its first process) reaches the gateway: exit 0, no process left listening', async () => {
    const [port, emulatorPort] = [await freePort(), await freePort()];
    const dir = mkdtempSync(join(tmpdir(), 'gateway-npm-start-'));
    try {
      const gateway = await startWithNpmStart({
        NODE_ENV: 'development',
        PORT: String(port),
        STRIPE_EMULATOR_PORT: String(emulatorPort),
        DATABASE_URL: `sqlite:${dir}/gateway.sqlite`,
        SHUTDOWN_GRACE_MS: String(GRACE_MS),
      });
      expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200);
      const { code } = await terminate(gateway, GRACE_MS + 5000);
      expect(code).toBe(0);
      expect(gateway.output()).toContain('shutdown complete');
      // npm's shell used to die alone and leave the gateway running, still listening.
      expect(await portClosed(port)).toBe(true);
      expect(await portClosed(emulatorPort)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});

describe('production mode (a test key, a standalone emulator, MariaDB and Redis)', () => {
  let db: ScratchDatabase;
  let emulator: StripeEmulator;
  let emulatorUrl: string;
  let secretKey: string;
  let webhookSecret: string;
  let gateway: GatewayProcess | undefined;

  beforeAll(async () => {
    db = await createScratchDatabase();
    webhookSecret = `whsec_${randomBytes(16).toString('hex')}`;
    emulator = createStripeEmulator({ webhookSecret, webhookUrls: [] });
    emulatorUrl = (await emulator.listen(0, '127.0.0.1')).url;
    const orm = await createOrm({ dialect: 'mysql', url: db.url });
    await migrate(orm);
    secretKey = (await new MerchantService({ orm, keyRotationOverlapHours: 1 }).createMerchant('Shutdown')).secretKey;
    await orm.close();
  }, 60_000);
  afterEach(async () => {
    emulator.resetFaults();
    await gateway?.stop('SIGKILL');
    gateway = undefined;
  });
  afterAll(async () => {
    await emulator?.close();
    await db?.drop();
  });

  const start = async (port: number, extra: Record<string, string> = {}) =>
    (gateway = await startBuiltGatewayProcess({
      NODE_ENV: 'production',
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      DATABASE_URL: db.url,
      REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
      STRIPE_SECRET_KEY: 'sk_test_shutdown',
      STRIPE_API_URL: emulatorUrl,
      STRIPE_WEBHOOK_SECRET: webhookSecret,
      STRIPE_TIMEOUT_MS: '30000',
      RECONCILER_ENABLED: 'false',
      RATE_LIMIT_PER_KEY_PER_MINUTE: '1000000',
      RATE_LIMIT_PER_IP_PER_MINUTE: '1000000',
      SHUTDOWN_GRACE_MS: String(GRACE_MS),
      ...extra,
    }));

  /** The gateway's connections to its scratch database, as MariaDB sees them. */
  const databaseConnections = async (): Promise<number> => {
    const admin = await createConnection((process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306').replace(/\/+$/, ''));
    try {
      const [rows] = await admin.query('select count(*) as n from information_schema.processlist where db = ?', [db.url.split('/').pop()]);
      return Number((rows as { n: number }[])[0].n);
    } finally {
      await admin.end();
    }
  };

  const storedPayments = async (): Promise<number> => {
    const connection = await createConnection(db.url);
    try {
      const [rows] = await connection.query('select count(*) as n from payment');
      return Number((rows as { n: number }[])[0].n);
    } finally {
      await connection.end();
    }
  };

  const createPayment = (port: number) =>
    fetch(`http://127.0.0.1:${port}/api/v1/payment`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${secretKey}` },
      body: JSON.stringify(paymentInput()),
    });

  it('idle: SIGTERM exits 0 within the grace, the port closed and the database connections released', async () => {
    const port = await freePort();
    const running = await start(port);
    expect((await createPayment(port)).status).toBe(201); // the pool holds connections now
    const { code, elapsedMs } = await terminate(running, GRACE_MS + 5000);
    expect(code).toBe(0);
    expect(elapsedMs).toBeLessThan(GRACE_MS);
    expect(running.output()).toContain('shutdown complete');
    expect(await portClosed(port)).toBe(true);
    await waitFor(async () => (await databaseConnections()) === 0, 5000);
  }, 60_000);

  it('under load: in-flight requests are answered, later ones refused or 503 (never 500), the subscription closed with 1001, exit 0 within the grace', async () => {
    const port = await freePort();
    const running = await start(port);
    emulator.setFaults({ apiLatencyMs: 800 }); // every create is still talking to Stripe when SIGTERM lands

    let socketClose: { code: number; reason: string } | null = null;
    const ws = createClient({
      url: `ws://127.0.0.1:${port}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${secretKey}` },
      retryAttempts: 0,
      lazy: false,
      onNonLazyError: () => undefined,
      on: { closed: (event) => (socketClose = event as { code: number; reason: string }) },
    });
    ws.subscribe({ query: 'subscription { paymentUpdated { ref status } }' }, { next: () => undefined, error: () => undefined, complete: () => undefined });
    await waitFor(async () => {
      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      return /^gateway_subscriptions_active 1$/m.test(metrics);
    });

    // A stream of createPayment from 6 clients until the process is gone.
    let signalledAt = Infinity;
    let exited = false;
    const answers: { status: number; sentAt: number }[] = [];
    const refusals: string[] = [];
    const client = async () => {
      while (!exited) {
        const sentAt = Date.now();
        try {
          const response = await createPayment(port);
          await response.text();
          answers.push({ status: response.status, sentAt });
        } catch (error) {
          refusals.push(String((error as Error).cause ?? error));
          // Refused after the signal: the gateway no longer listens, so stop sending until it is gone.
          if (sentAt > signalledAt) await waitFor(() => exited, GRACE_MS + 10_000);
        }
      }
    };
    const clients = Array.from({ length: 6 }, client);
    await waitFor(() => answers.length >= 6, 15_000);

    signalledAt = Date.now();
    const { code, elapsedMs } = await terminate(running, GRACE_MS + 5000);
    exited = true;
    await Promise.all(clients);

    expect(code).toBe(0);
    expect(elapsedMs).toBeLessThan(GRACE_MS);
    expect(answers.filter((answer) => ![201, 503].includes(answer.status))).toEqual([]);
    // Requests sent before the signal and still in flight when it landed were answered in full.
    expect(answers.filter((answer) => answer.sentAt < signalledAt && answer.sentAt > signalledAt - 800).length).toBeGreaterThan(0);
    expect(socketClose).toMatchObject({ code: 1001 });
    expect(await portClosed(port)).toBe(true);
    await waitFor(async () => (await databaseConnections()) === 0, 5000);
    await ws.dispose();
  }, 60_000);

  it('a request longer than the grace is cut when the grace is over, and the process still exits 0 within it', async () => {
    const port = await freePort();
    const running = await start(port, { SHUTDOWN_GRACE_MS: '2500' });
    emulator.setFaults({ apiLatencyMs: 20_000 });
    const before = await storedPayments();
    const slow = createPayment(port).then(
      (response) => `answered ${response.status}`,
      () => 'cut',
    );
    await waitFor(async () => (await storedPayments()) > before, 10_000); // saved, now waiting on Stripe
    const { code, elapsedMs } = await terminate(running, 2500 + 5000);
    expect(code).toBe(0);
    expect(elapsedMs).toBeLessThan(2500);
    expect(await slow).toBe('cut');
  }, 60_000);
});
