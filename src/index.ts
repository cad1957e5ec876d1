/**
 * The composition root: config → orm → provider → services → server. Nothing else builds objects.
 * `startGateway` is what `npm start` runs and what the integration tests start, so tests exercise
 * exactly the production wiring.
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { loadConfig, ConfigError, SANDBOX_STRIPE_KEY, type Config } from './config';
import { createLogger, type Logger } from './logger';
import { createOrm, migrate, poolStats } from './orm';
import { createStripeClient, StripePaymentProvider } from './providers/stripe/stripe-payment-provider';
import { InProcessPaymentPubSub, type PaymentPubSub } from './pubsub/payment-pubsub';
import { closeRedis, connectRedis, RedisPaymentPubSub } from './pubsub/redis-payment-pubsub';
import { announceKeyChange, listenForKeyChanges } from './pubsub/merchant-key-changes';
import { InProcessRateLimitStore, RedisRateLimitStore } from './rest/rate-limit';
import { StripeWebhooks } from './providers/stripe/stripe-webhooks';
import { PaymentUpdatesService } from './services/payments/payment-updates.service';
import type { Reconciler } from './services/payments/reconciler';
import { GatewayMetrics } from './telemetry/metrics';
import { MeteredPaymentProvider } from './providers/metered-payment-provider';
import { createPaymentFlows } from './services/payments/payment-flows';
import { MerchantService, type IssuedMerchant } from './services/merchants/merchant.service';
import { createGatewayServer } from './server';
import type { Tracing } from './telemetry/tracing';
// Type only: the emulator's code is loaded in sandbox mode alone (startSandboxEmulator).
import type { StripeEmulator } from './stripe-emulator';
import { sandboxDemoMerchant } from './services/merchants/sandbox-demo-merchant';

export interface RunningGateway {
  url: string;
  port: number;
  /** Set in sandbox mode when the database was empty: the demo merchant and its keys. */
  demoMerchant: IssuedMerchant | null;
  /** The in-process emulator of sandbox mode, when one was started. */
  emulator: { url: string; handle: StripeEmulator } | null;
  merchants: MerchantService;
  reconciler: Reconciler;
  /** Stops taking work, lets in-flight requests and webhooks finish, closes sockets and connections. */
  close(): Promise<void>;
}

export async function startGateway(config: Config, logger: Logger = createLogger(config.logLevel)): Promise<RunningGateway> {
  const orm = await createOrm(config.database);
  const applied = await migrate(orm);
  if (applied.length) logger.info({ migrations: applied }, 'database migrations applied');

  // Sandbox mode without STRIPE_API_URL: Stripe is our emulator, started here and sharing the secret.
  let emulator: RunningGateway['emulator'] = null;
  let stripeApiUrl = config.stripe.apiUrl;
  const webhookSecret = config.stripe.webhookSecret ?? `whsec_${randomBytes(24).toString('hex')}`;
  if (config.stripe.sandbox && !stripeApiUrl) {
    emulator = await startSandboxEmulator(config, webhookSecret, logger);
    stripeApiUrl = emulator.url;
  }

  const stripe = createStripeClient({ secretKey: config.stripe.secretKey, apiUrl: stripeApiUrl, timeoutMs: config.stripe.timeoutMs });
  const metrics = new GatewayMetrics({ poolStats: () => poolStats(orm) });
  const provider = new MeteredPaymentProvider({
    inner: new StripePaymentProvider({ sessions: stripe.checkout.sessions, events: stripe.events }),
    metrics,
  });
  const webhooks = new StripeWebhooks({ webhooks: stripe.webhooks, secret: webhookSecret });
  const pubsub: PaymentPubSub = config.redisUrl
    ? await RedisPaymentPubSub.connect(config.redisUrl, logger.child({ module: 'pubsub' }))
    : new InProcessPaymentPubSub();
  // One command connection for the shared rate-limit counters and the key-change announcements.
  const redisCommands = config.redisUrl ? await connectRedis(config.redisUrl, logger.child({ module: 'redis' }), { failFast: true }) : null;
  const rateLimitStore = redisCommands
    ? new RedisRateLimitStore({ redis: redisCommands, logger: logger.child({ module: 'rate-limit' }), metrics })
    : new InProcessRateLimitStore();
  if (redisCommands) metrics.watchDependency('redis', () => redisCommands.status === 'ready');
  const paymentFlows = createPaymentFlows({
    orm,
    provider,
    pubsub,
    metrics,
    logger,
    publicUrl: config.publicUrl,
    cursorSecret: config.cursorSecret,
    idempotency: { waitForFirstMs: config.idempotency.waitForFirstMs, staleAfterMs: config.idempotency.staleAfterMs },
    reconciler: { ...config.reconciler, eventLookbackMs: 3 * 24 * 3_600_000, batchSize: 100 },
  });
  const { payments, reconciler } = paymentFlows;
  // With Redis, a key rotation made anywhere clears every instance's key cache and re-checks its
  // WebSockets at once.
  const keyChangesLogger = logger.child({ module: 'merchant-keys' });
  const merchants = new MerchantService({
    orm,
    keyRotationOverlapHours: config.keyRotationOverlapHours,
    announceKeyChange: redisCommands ? (merchantId) => announceKeyChange(redisCommands, merchantId, keyChangesLogger) : undefined,
  });
  const keyChangeListener = config.redisUrl
    ? await listenForKeyChanges(config.redisUrl, keyChangesLogger, (merchantId) => merchants.keysChanged(merchantId))
    : null;
  const paymentUpdates = new PaymentUpdatesService({ pubsub, metrics });

  // Sandbox mode: a demo merchant (new on an empty database) and its demo shop at `/`.
  const demo = config.stripe.sandbox ? await sandboxDemoMerchant(merchants, sandboxKeysFile(config)) : null;

  const server = await createGatewayServer({
    config,
    orm,
    logger,
    payments,
    merchants,
    paymentFlows,
    webhooks,
    paymentUpdates,
    rateLimitStore,
    rateLimits: config.rateLimits,
    metrics,
    metricsToken: config.metricsToken,
    drainGraceMs: httpDrainGraceMs(config.shutdownGraceMs),
    dependencyChecks: redisCommands ? [{ name: 'redis', isUp: () => redisCommands.ping().then(() => true, () => false) }] : [],
    demoShop: demo && {
      gatewayUrl: `http://127.0.0.1:${config.port}`,
      shopUrl: config.publicUrl,
      secretKey: demo.merchant.secretKey,
      publishableKey: demo.merchant.publishableKey,
    },
  });
  const address = await server.listen(config.port);
  const localUrl = `http://127.0.0.1:${address.port}`;
  if (emulator && !config.emulator.webhookUrls) emulator.handle.setWebhookUrls([`${localUrl}/api/v1/webhooks/stripe`]);

  if (config.reconciler.enabled) reconciler.start();

  return {
    url: localUrl,
    port: address.port,
    demoMerchant: demo?.created ? demo.merchant : null,
    emulator,
    merchants,
    reconciler,
    close: async () => {
      await reconciler.stop();
      await server.close();
      await emulator?.handle.close();
      await pubsub.close();
      if (redisCommands) await closeRedis(redisCommands);
      if (keyChangeListener) await closeRedis(keyChangeListener);
      await orm.close();
    },
  };
}

/**
 * Sandbox mode's Stripe: the emulator (src/stripe-emulator, a package of its own), imported here and
 * only here, so that a gateway talking to the real Stripe never loads its code.
 */
async function startSandboxEmulator(config: Config, webhookSecret: string, logger: Logger): Promise<NonNullable<RunningGateway['emulator']>> {
  // require, not import(): this CommonJS build would turn import() into an ES module load.
  const { createStripeEmulator } = require('./stripe-emulator') as typeof import('./stripe-emulator');
  const handle = createStripeEmulator({
    apiKey: SANDBOX_STRIPE_KEY,
    webhookSecret,
    webhookUrls: config.emulator.webhookUrls ?? [],
    log: (line) => logger.child({ module: 'stripe-emulator' }).info(line),
  });
  // Loopback only: the emulator takes a public key and marks any payment paid on request.
  const { url } = await handle.listen(config.emulator.port, '127.0.0.1');
  return { url, handle };
}

/**
 * The part of the shutdown grace in-flight HTTP requests get; the rest (up to 2 s) closes the
 * emulator, Redis, the database and the tracing before main()'s deadline.
 */
function httpDrainGraceMs(shutdownGraceMs: number): number {
  return shutdownGraceMs - Math.min(2000, Math.floor(shutdownGraceMs / 4));
}

/** Where sandbox mode keeps its demo merchant's keys: beside the embedded database; none in tests. */
function sandboxKeysFile(config: Config): string | null {
  if (config.nodeEnv === 'test') return null;
  const dataDir = config.database.dialect === 'sqlite' && config.database.path !== ':memory:' ? dirname(config.database.path) : 'data';
  return join(dataDir, 'sandbox-demo-merchant.json');
}

/** Runs the gateway until SIGTERM/SIGINT. src/main.ts passes the config it read and the tracing it started. */
export async function main(started?: { config: Config; tracing: Tracing | null }): Promise<void> {
  let config: Config;
  try {
    config = started?.config ?? loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel, undefined, { pretty: config.nodeEnv === 'development' && process.stdout.isTTY });
  const gateway = await startGateway(config, logger);
  const base = config.publicUrl;
  logger.info({ graphql: `${base}/graphql`, rest: `${base}/api/v1`, sandbox: config.stripe.sandbox, emulator: gateway.emulator?.url }, 'gateway listening');
  if (gateway.demoMerchant) {
    // Printed to the console on purpose: the one place a developer trying the sandbox finds the key.
    process.stdout.write(
      `\nSandbox mode: demo merchant created (its keys are also kept in ${sandboxKeysFile(config) ?? 'no file'}):\n` +
        `${JSON.stringify(gateway.demoMerchant)}\n` +
        `Try: curl -s ${base}/api/v1/payment -H 'Authorization: Bearer ${gateway.demoMerchant.secretKey}' ` +
        `-H 'Content-Type: application/json' -d '{"orderId":"order-1","currency":"usd","lineItems":[{"name":"T-shirt","unitAmount":2500,"quantity":1}],"successUrl":"https://example.com/thanks","cancelUrl":"https://example.com/cart"}'\n`,
    );
  }
  if (config.stripe.sandbox && config.nodeEnv !== 'production') {
    process.stdout.write(`\nDemo shop: ${base}/    GraphiQL: ${base}/graphql    Stripe emulator: ${gateway.emulator?.url ?? config.stripe.apiUrl}\n\n`);
  }

  // The gateway owns these signals (Apollo's own handler is off, see server.ts). The process exits 0
  // within SHUTDOWN_GRACE_MS whatever is still open: an orchestrator waits that long, then kills.
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal during shutdown: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal, graceMs: config.shutdownGraceMs }, 'shutting down: refusing new work, finishing in-flight requests');
    setTimeout(() => {
      logger.warn({ graceMs: config.shutdownGraceMs }, 'shutdown grace over: exiting with what is still open cut off');
      process.exit(0);
    }, config.shutdownGraceMs);
    (async () => {
      await gateway.close();
      await started?.tracing?.shutdown();
    })().then(
      () => {
        logger.info('shutdown complete');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
