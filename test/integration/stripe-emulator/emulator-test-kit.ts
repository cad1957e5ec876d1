/**
 * Shared set-up for the emulator's tests: the emulator on a random port, the real `stripe` SDK
 * pointed at it, and small webhook receivers that record what they were sent.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { createStripeEmulator, type StripeEmulator, type StripeEmulatorOptions } from '../../../src/stripe-emulator';

export const WEBHOOK_SECRET = 'whsec_test_emulator_secret';
export const API_KEY = 'sk_test_emulator_suite';

export interface RunningEmulator {
  emulator: StripeEmulator;
  /** Every line the emulator logged (webhook attempts, retries, giving up), oldest first. */
  log: string[];
  url: string;
  port: number;
  /** An SDK client; retries off unless asked, so a fault shows as the error it is. */
  stripe(options?: { key?: string; maxNetworkRetries?: number }): Stripe;
}

export async function startEmulator(options: Partial<StripeEmulatorOptions> = {}): Promise<RunningEmulator> {
  const log: string[] = [];
  const emulator = createStripeEmulator({
    webhookSecret: WEBHOOK_SECRET,
    webhookUrls: [],
    webhookRetry: { initialDelayMs: 50, maxAttempts: 4 },
    asyncPaymentDelayMs: 100,
    ...options,
    log: (line) => {
      log.push(line);
      options.log?.(line);
    },
  });
  const { url, port } = await emulator.listen(0, '127.0.0.1');
  return {
    emulator,
    log,
    url,
    port,
    stripe: ({ key = API_KEY, maxNetworkRetries = 0 } = {}) =>
      new Stripe(key, { host: '127.0.0.1', port, protocol: 'http', maxNetworkRetries }),
  };
}

export interface Delivery {
  body: string;
  signature: string;
  event: Stripe.Event;
  status: number;
}

export interface Receiver {
  url: string;
  deliveries: Delivery[];
  /** Status to answer for the n-th request (0-based); default 200. */
  respond: (n: number, event: Stripe.Event) => number;
  close(): Promise<void>;
}

export async function startReceiver(respond: Receiver['respond'] = () => 200, port = 0): Promise<Receiver> {
  const receiver: Receiver = { url: '', deliveries: [], respond, close: async () => undefined };
  let count = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const event = JSON.parse(body) as Stripe.Event;
      const status = receiver.respond(count++, event);
      receiver.deliveries.push({ body, signature: String(req.headers['stripe-signature'] ?? ''), event, status });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`;
  receiver.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return receiver;
}

/** Polls until `check` returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(20);
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** A valid session creation, the way the gateway builds one; override any part. */
export function sessionParams(
  overrides: Partial<Stripe.Checkout.SessionCreateParams> = {},
): Stripe.Checkout.SessionCreateParams {
  return {
    mode: 'payment',
    line_items: [
      { price_data: { currency: 'usd', unit_amount: 1250, product_data: { name: 'T-shirt' } }, quantity: 2 },
      { price_data: { currency: 'usd', unit_amount: 500, product_data: { name: 'Socks' } }, quantity: 1 },
    ],
    success_url: 'https://merchant.example/return?session_id={CHECKOUT_SESSION_ID}',
    cancel_url: 'https://merchant.example/cancel',
    expires_at: nowSeconds() + 60 * 60,
    metadata: { order: 'A-1' },
    payment_intent_data: { metadata: { gateway_ref: 'pay_123' } },
    ...overrides,
  };
}

export function lineItems(count: number, currency = 'usd', unitAmount = 100): Stripe.Checkout.SessionCreateParams.LineItem[] {
  return Array.from({ length: count }, (_, i) => ({
    price_data: { currency, unit_amount: unitAmount, product_data: { name: `Item ${i}` } },
    quantity: 1,
  }));
}

/** POSTs form text straight to the emulator, for what the SDK would not send. */
export async function rawPost(
  base: string,
  path: string,
  body: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; json: any }> {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${API_KEY}`, 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
    body,
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : null };
}

