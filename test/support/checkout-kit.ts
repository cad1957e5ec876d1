/**
 * What a customer and Stripe do to a payment, for the tests: pay through the emulator's test helper,
 * deliver (re-deliver, forge) signed webhook events, listen to paymentUpdated over graphql-ws.
 */
import Stripe from 'stripe';
import WebSocket from 'ws';
import { createClient, type Client } from 'graphql-ws';
import type { Harness } from './gateway-harness';
import { paymentInput } from './payment-input';

export type PaymentBehavior = 'paid' | 'async_succeeded' | 'async_failed';

/** The emulator's test helper: what the customer's payment would do. */
export async function completeSession(h: Harness, sessionId: string, behavior: PaymentBehavior = 'paid'): Promise<void> {
  const response = await fetch(`${h.emulatorUrl}/v1/test_helpers/checkout/sessions/${sessionId}/complete`, {
    method: 'POST',
    headers: { authorization: 'Bearer sk_test_harness', 'content-type': 'application/x-www-form-urlencoded' },
    body: `payment_behavior=${behavior}`,
  });
  if (response.status !== 200) throw new Error(`test helper answered ${response.status}: ${await response.text()}`);
}

/** Events the emulator emitted for a session, oldest first. */
export async function eventsOfSession(h: Harness, sessionId: string): Promise<Stripe.Event[]> {
  const events = await h.stripe.events.list({ limit: 100 });
  return events.data.filter((event) => (event.data.object as { id?: string }).id === sessionId).reverse();
}

/** POSTs a body to the gateway's webhook route with a valid signature (or the given header). */
export async function deliverWebhook(
  h: Harness,
  payload: string,
  options: { secret?: string; timestamp?: number; signature?: string | null } = {},
): Promise<Response> {
  const signature =
    options.signature !== undefined
      ? options.signature
      : Stripe.webhooks.generateTestHeaderString({ payload, secret: options.secret ?? h.webhookSecret, timestamp: options.timestamp });
  return fetch(`${h.gateway.url}/api/v1/webhooks/stripe`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(signature !== null ? { 'stripe-signature': signature } : {}) },
    body: payload,
  });
}

/** Forged event ids: unique within the run (the pid) and the same from one run to the next (the counter). */
let forgedEvents = 0;
const nextForgedEventId = () => `evt_forged_${process.pid}_${++forgedEvents}`;

/** A Stripe event of the emulator's shape around a given session object, for forging stale events. */
export function eventAbout(session: Stripe.Checkout.Session, type: string, id = nextForgedEventId()) {
  return JSON.stringify({
    id,
    object: 'event',
    api_version: '2026-10-28.endive',
    created: Math.floor(Date.now() / 1000),
    data: { object: session },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
  });
}

export interface UpdateListener {
  received: any[];
  errors: unknown[];
  completed: boolean;
  /** Resolves with the n-th update (1-based) or rejects after the timeout. */
  nth(n: number, timeoutMs?: number): Promise<any>;
  close(): Promise<void>;
}

export function wsClient(h: Harness, key: string | null): Client {
  return createClient({
    url: `${h.gateway.url.replace('http', 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: key ? { authorization: `Bearer ${key}` } : {},
    retryAttempts: 0,
    lazy: false,
    onNonLazyError: () => undefined,
  });
}

/** Subscribes to paymentUpdated and collects what arrives. */
export function listenToUpdates(client: Client, ref: string | null, fields = 'ref status version events { from to source applied providerEventId }'): UpdateListener {
  const listener: UpdateListener = {
    received: [],
    errors: [],
    completed: false,
    nth: (n, timeoutMs = 10_000) => waitFor(() => listener.received[n - 1], timeoutMs),
    close: async () => {
      unsubscribe();
    },
  };
  const unsubscribe = client.subscribe(
    { query: `subscription ($ref: ID) { paymentUpdated(ref: $ref) { ${fields} } }`, variables: { ref } },
    {
      next: (message) => {
        if (message.errors) listener.errors.push(...message.errors);
        else listener.received.push(message.data?.paymentUpdated);
      },
      error: (error) => listener.errors.push(error),
      complete: () => (listener.completed = true),
    },
  );
  return listener;
}

/** Polls until `check` returns something truthy, or fails after `timeoutMs`. */
export async function waitFor<T>(check: () => T | undefined | null | false | Promise<T | undefined | null | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A gateway to talk to: the in-process harness, or a child process (gateway-process.ts). */
export interface GatewayAt {
  gateway: { url: string };
}

/** The gateway's count of live paymentUpdated subscriptions (gauge gateway_subscriptions_active at /metrics). */
export async function activeSubscriptions(at: GatewayAt): Promise<number> {
  const text = await (await fetch(`${at.gateway.url}/metrics`)).text();
  const match = text.match(/^gateway_subscriptions_active (\d+)/m);
  if (!match) throw new Error('/metrics has no gateway_subscriptions_active');
  return Number(match[1]);
}

/**
 * Waits until the gateway counts exactly `count` live subscriptions. The gateway counts a
 * subscription once its stream is registered, so every update published afterwards reaches it: this
 * is "the subscription reached the server", without guessing how long that takes. Files that use it
 * wait for 0 after each test, so that the counts of one test are not those of the one before.
 */
export async function untilSubscriptionsActive(at: GatewayAt, count: number, timeoutMs = 10_000): Promise<void> {
  let last = NaN;
  try {
    await waitFor(async () => (last = await activeSubscriptions(at)) === count, timeoutMs);
  } catch {
    throw new Error(`the gateway counts ${last} live subscriptions, not ${count}, after ${timeoutMs} ms`);
  }
}

/**
 * Proves that nothing more is on its way to `client`'s subscriptions: creates a marker payment
 * through `createAt` (with `secretKey`, the merchant of the socket's key), subscribes to it on the
 * same socket, waits until the gateway counts that subscription (`activeNow` are open already),
 * expires the marker and waits until its subscription hears it. Updates travel one ordered path
 * (pubsub, then the instance, then the socket), so anything published before the expiry (a
 * duplicate, say) has been delivered by then. Use it where a test would otherwise sleep "long enough"
 * before counting. `createAt` must be the instance whose updates could repeat (the one that handled
 * the webhook), so that both go the same way; it defaults to `subscribedAt`.
 */
export async function untilLaterUpdateHeard(
  client: Client,
  options: { subscribedAt: GatewayAt; activeNow: number; secretKey: string; createAt?: GatewayAt },
): Promise<void> {
  const at = (options.createAt ?? options.subscribedAt).gateway.url;
  const headers = { authorization: `Bearer ${options.secretKey}`, 'content-type': 'application/json' };
  const created = await fetch(`${at}/api/v1/payment`, { method: 'POST', headers, body: JSON.stringify(paymentInput()) });
  if (created.status !== 201) throw new Error(`the marker payment was refused: ${created.status} ${await created.text()}`);
  const { ref } = (await created.json()) as { ref: string };
  const marker = listenToUpdates(client, ref, 'ref status');
  try {
    await untilSubscriptionsActive(options.subscribedAt, options.activeNow + 1);
    const expired = await fetch(`${at}/api/v1/payment/expire?ref=${ref}`, { method: 'POST', headers });
    if (expired.status !== 200) throw new Error(`the marker payment was not expired: ${expired.status} ${await expired.text()}`);
    await marker.nth(1);
  } finally {
    await marker.close();
  }
}

/** Waits until every event the emulator emitted for the session was answered 2xx by the gateway: the gateway is done with them. */
export async function untilEventsDelivered(h: Pick<Harness, 'stripe'>, sessionId: string): Promise<void> {
  await waitFor(async () => {
    const events = (await h.stripe.events.list({ limit: 100 })).data.filter((event) => (event.data.object as { id?: string }).id === sessionId);
    return events.length > 0 && events.every((event) => event.pending_webhooks === 0);
  });
}
