/**
 * The project's Stripe emulator: a local server that speaks the part of Stripe's HTTP API the
 * gateway uses, so the real `stripe` SDK can be pointed at it. It imports nothing of the gateway:
 * it stands for Stripe, an independent party whose behaviour the gateway's tests check against.
 */
import express, { ErrorRequestHandler } from 'express';
import type { AddressInfo } from 'node:net';
import http from 'node:http';
import qs from 'qs';
import { createApiRouter } from './api.router';
import { send } from './api-pipeline';
import { CheckoutService } from './checkout.service';
import { createCheckoutPageRouter } from './checkout-page.router';
import { EmulatorClock } from './clock';
import { DEFAULT_HOST } from './emulator-env';
import { EventStore } from './event.store';
import { EmulatorFaults, FaultState } from './faults';
import { createFaultsRouter } from './faults.router';
import { QS_OPTIONS } from './form-params';
import { IdempotencyStore } from './idempotency.store';
import { PaymentIntentStore } from './payment-intent.store';
import { StripeApiError } from './stripe-error';
import { WebhookSender } from './webhook.sender';

export type { EmulatorFaults } from './faults';

export interface StripeEmulatorOptions {
  /** When set only this secret key is accepted; otherwise any `sk_test_…` key. */
  apiKey?: string;
  /** whsec_… used to sign deliveries. */
  webhookSecret: string;
  /** Where events are POSTed (may be empty; may be changed later with setWebhookUrls). */
  webhookUrls: string[];
  /** Base URL for hosted checkout page links; default: the URL it listens on. */
  publicUrl?: string;
  faults?: Partial<EmulatorFaults>;
  /** Defaults are small (500 ms doubling, 8 attempts) so that tests stay fast. */
  webhookRetry?: { initialDelayMs: number; maxAttempts: number };
  /** How often expires_at is checked (default 1000 ms). */
  expiryCheckIntervalMs?: number;
  /** How long an asynchronous payment (bank debit) takes to settle (default 1000 ms). */
  asyncPaymentDelayMs?: number;
  /** Default: silent. */
  log?: (line: string) => void;
}

export interface StripeEmulator {
  /**
   * Port 0 picks a free port. The host defaults to 127.0.0.1: the emulator takes any test key and
   * lets anyone complete payments, so it is reachable from elsewhere only when asked for
   * (`0.0.0.0`, e.g. in a container). Links name the host bound, or `localhost` for a wildcard one.
   */
  listen(port?: number, host?: string): Promise<{ url: string; port: number }>;
  /** Stops timers, pending deliveries and the server. */
  close(): Promise<void>;
  setFaults(f: Partial<EmulatorFaults>): void;
  resetFaults(): void;
  setWebhookUrls(urls: string[]): void;
  /**
   * Moves the emulator's clock forward. Stripe refuses an expires_at under 30 minutes ahead, so
   * this is how a test makes one pass; the next expiry check, or any read of the session, then
   * expires it and emits checkout.session.expired.
   */
  advanceClock(seconds: number): void;
}

/** Stripe-Version stamped on events when the integration's requests named none. */
const DEFAULT_API_VERSION = '2026-10-28.endive';

export function createStripeEmulator(options: StripeEmulatorOptions): StripeEmulator {
  const log = options.log ?? (() => undefined);
  const clock = new EmulatorClock();
  const faults = new FaultState();
  if (options.faults) faults.set(options.faults);
  let webhookUrls = [...options.webhookUrls];
  let listeningUrl: string | null = null;

  const events = new EventStore();
  const paymentIntents = new PaymentIntentStore();
  const sender = new WebhookSender({
    secret: options.webhookSecret,
    retry: options.webhookRetry ?? { initialDelayMs: 500, maxAttempts: 8 },
    faults,
    events,
    log,
  });
  const checkout = new CheckoutService({
    clock,
    events,
    paymentIntents,
    publicUrl: () => (options.publicUrl ?? listeningUrl ?? 'http://localhost').replace(/\/+$/, ''),
    webhookUrls: () => webhookUrls,
    onEvent: (record) => sender.enqueue(record),
    asyncPaymentDelayMs: options.asyncPaymentDelayMs ?? 1000,
    log,
  });

  const app = express();
  app.disable('x-powered-by');
  // Stripe's list filters nest too (`created[gte]=…`): parse queries with qs like bodies.
  app.set('query parser', (text: string) => qs.parse(text, QS_OPTIONS));
  app.use((req, res, next) => {
    const started = Date.now();
    res.on('finish', () => log(`${req.method} ${req.originalUrl} ${res.statusCode} ${Date.now() - started}ms`));
    next();
  });
  app.use('/__emulator/faults', createFaultsRouter(faults, log));
  app.use('/c/pay', createCheckoutPageRouter(checkout));
  app.use(
    '/v1',
    createApiRouter({
      apiKey: options.apiKey,
      faults,
      idempotency: new IdempotencyStore(clock),
      defaultApiVersion: DEFAULT_API_VERSION,
      checkout,
      events,
      paymentIntents,
      clock,
    }),
  );
  app.use((req, res) => {
    res.status(404).type('text/plain').send(`Not found: ${req.method} ${req.path}\n`);
  });
  app.use(errorHandler(log));

  const server = http.createServer(app);
  let expiryTimer: NodeJS.Timeout | null = null;

  return {
    async listen(port = 0, host = DEFAULT_HOST) {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      const bound = (server.address() as AddressInfo).port;
      const linkHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
      listeningUrl = `http://${linkHost}:${bound}`;
      expiryTimer = setInterval(() => checkout.expireDue(), options.expiryCheckIntervalMs ?? 1000);
      expiryTimer.unref();
      log(`Stripe emulator listening on ${listeningUrl}`);
      return { url: listeningUrl, port: bound };
    },
    async close() {
      if (expiryTimer) clearInterval(expiryTimer);
      expiryTimer = null;
      checkout.close();
      sender.close();
      if (!server.listening) return;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // The SDK keeps sockets alive between requests; do not wait for it to let go.
        server.closeAllConnections();
      });
    },
    setFaults: (f) => faults.set(f),
    resetFaults: () => faults.reset(),
    setWebhookUrls: (urls) => {
      webhookUrls = [...urls];
    },
    // Expiry then happens as at Stripe: at the next periodic check, or when the session is read.
    advanceClock: (seconds) => clock.advance(seconds),
  };
}

/** Body-parser failures and emulator bugs, rendered as Stripe would under /v1. */
function errorHandler(log: (line: string) => void): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const status = typeof err?.status === 'number' && err.status >= 400 && err.status < 500 ? err.status : 500;
    if (status === 500) log(`emulator error on ${req.method} ${req.originalUrl}: ${err?.stack ?? err}`);
    const message = status === 500 ? 'An unknown error occurred in the emulator.' : `Invalid request: ${err?.message ?? 'bad body'}`;
    if (req.originalUrl.startsWith('/v1')) {
      send(res, new StripeApiError(status, status === 500 ? 'api_error' : 'invalid_request_error', message));
      return;
    }
    res.status(status).json({ error: { message } });
  };
}
