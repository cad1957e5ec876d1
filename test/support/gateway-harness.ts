/**
 * Starts the real gateway (startGateway, the production wiring) against the suite's MariaDB database
 * and a Stripe emulator over real HTTP, plus a `stripe` SDK client for looking into the emulator.
 * Nothing of ours is mocked.
 */
import { randomBytes } from 'node:crypto';
import Stripe from 'stripe';
import { loadConfig } from '../../src/config';
import pino from 'pino';
import { createLogger } from '../../src/logger';
import { startGateway, type RunningGateway } from '../../src/index';
import type { IssuedMerchant } from '../../src/services/merchants/merchant.service';
import { createStripeEmulator, type StripeEmulator, type StripeEmulatorOptions } from '../../src/stripe-emulator';
import { checkRestAnswer } from './openapi-check';
import { freePort } from './free-port';

// Light helpers of their own modules (the bench uses them too), offered here with the harness.
export { freePort } from './free-port';
export { paymentInput } from './payment-input';

export interface Harness {
  gateway: RunningGateway;
  emulator: StripeEmulator;
  emulatorUrl: string;
  /** An SDK client of the emulator, to check what "Stripe" really holds. */
  stripe: Stripe;
  merchant: IssuedMerchant;
  webhookSecret: string;
  newMerchant(): Promise<IssuedMerchant>;
  graphql(query: string, variables?: Record<string, unknown>, key?: string | null, headers?: Record<string, string>): Promise<GraphQLResult>;
  rest(method: string, path: string, options?: { body?: unknown; rawBody?: string; key?: string | null; headers?: Record<string, string> }): Promise<RestResult>;
  close(): Promise<void>;
}

export interface GraphQLResult {
  status: number;
  data: any;
  errors?: { message: string; path?: string[]; extensions: Record<string, any> }[];
}

export interface RestResult {
  status: number;
  headers: Headers;
  body: any;
}

/**
 * The gateway's logger in tests: everything at debug level into the suite's log file (checked for
 * secrets at the end), or to the console at TEST_LOG_LEVEL when that is set for debugging.
 */
export function testLogger() {
  if (process.env.TEST_LOG_LEVEL) return createLogger(process.env.TEST_LOG_LEVEL);
  if (!process.env.TEST_LOG_FILE) return createLogger('silent');
  return createLogger('debug', pino.destination({ dest: process.env.TEST_LOG_FILE, append: true, sync: true }));
}

export function sdkFor(url: string, key = 'sk_test_harness'): Stripe {
  const target = new URL(url);
  return new Stripe(key, { host: target.hostname, port: Number(target.port), protocol: 'http', maxNetworkRetries: 0 });
}

export interface HarnessOptions {
  env?: Record<string, string>;
  /** Point the gateway somewhere else than the harness's emulator (an unreachable port, say). */
  stripeApiUrl?: string;
  emulator?: Partial<StripeEmulatorOptions>;
  /** Where the gateway logs (default: testLogger()). */
  logger?: ReturnType<typeof createLogger>;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const databaseUrl = process.env.TEST_DATABASE_URL;
  if (!databaseUrl) throw new Error('TEST_DATABASE_URL is not set: run the suite through jest (global-setup creates it)');
  const webhookSecret = `whsec_${randomBytes(16).toString('hex')}`;
  const emulator = createStripeEmulator({
    webhookSecret,
    webhookUrls: [],
    // Stripe retries over days; here a few quick retries keep the suite fast.
    webhookRetry: { initialDelayMs: 200, maxAttempts: 8 },
    asyncPaymentDelayMs: 100,
    ...options.emulator,
  });
  const { url: emulatorUrl } = await emulator.listen(0, '127.0.0.1');
  try {
    return await startGatewayFor(emulator, emulatorUrl, webhookSecret, databaseUrl, options);
  } catch (error) {
    await emulator.close(); // a harness that failed to start must not keep jest alive
    throw error;
  }
}

async function startGatewayFor(
  emulator: StripeEmulator,
  emulatorUrl: string,
  webhookSecret: string,
  databaseUrl: string,
  options: HarnessOptions,
): Promise<Harness> {
  const port = await freePort();
  const config = loadConfig({
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    DATABASE_URL: databaseUrl,
    STRIPE_API_URL: options.stripeApiUrl ?? emulatorUrl,
    STRIPE_WEBHOOK_SECRET: webhookSecret,
    STRIPE_TIMEOUT_MS: '3000',
    NODE_ENV: 'test',
    // The suite's files share one database: a reconciler would reach into other files' payments.
    // Tests of the reconciler run it on a scratch database of their own (scratch-database.ts).
    RECONCILER_ENABLED: 'false',
    // Every test talks from 127.0.0.1; the rate-limit test sets its own limits.
    RATE_LIMIT_PER_KEY_PER_MINUTE: '1000000',
    RATE_LIMIT_PER_IP_PER_MINUTE: '1000000',
    RATE_LIMIT_REDIRECTS_PER_IP_PER_MINUTE: '1000000',
    ...options.env,
  });
  const gateway = await startGateway(config, options.logger ?? testLogger());
  emulator.setWebhookUrls([`${gateway.url}/api/v1/webhooks/stripe`]);
  const newMerchant = () => gateway.merchants.createMerchant(`Test merchant ${randomBytes(4).toString('hex')}`);
  const merchant = await newMerchant();

  return {
    gateway,
    emulator,
    emulatorUrl,
    stripe: sdkFor(emulatorUrl),
    merchant,
    webhookSecret,
    newMerchant,
    async graphql(query, variables = {}, key = merchant.secretKey, headers = {}) {
      const response = await fetch(`${gateway.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as Omit<GraphQLResult, 'status'>;
      return { status: response.status, ...body };
    },
    async rest(method, path, { body, rawBody, key = merchant.secretKey, headers = {} } = {}) {
      const response = await fetch(`${gateway.url}${path}`, {
        method,
        redirect: 'manual',
        headers: {
          ...(body !== undefined || rawBody !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(key ? { authorization: `Bearer ${key}` } : {}),
          ...headers,
        },
        body: rawBody ?? (body !== undefined ? JSON.stringify(body) : undefined),
      });
      const text = await response.text();
      // Every answer must be what /api/v1/openapi.json documents: throws on an undocumented status or a body that breaks its schema.
      checkRestAnswer({ method, path, status: response.status, headers: response.headers, text });
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        // not JSON (a redirect, say): the raw text is the body
      }
      return { status: response.status, headers: response.headers, body: parsed };
    },
    async close() {
      await gateway.close();
      await emulator.close();
    },
  };
}

export const PAYMENT_FIELDS = `
  id ref orderId status amount currency lineItems { name unitAmount quantity } checkoutUrl providerSessionId
  customerEmail successUrl cancelUrl metadata expiresAt createdAt updatedAt version
  events { at source from to applied providerEventId providerEventType note }
`;
