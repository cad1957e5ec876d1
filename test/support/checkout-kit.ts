/**
 * What a customer and Stripe do to a payment, for the tests: pay through the emulator's test helper,
 * deliver (re-deliver, forge) signed webhook events, listen to paymentUpdated over graphql-ws.
 */
import Stripe from 'stripe';
import WebSocket from 'ws';
import { createClient, type Client } from 'graphql-ws';
import type { Harness } from './gateway-harness';

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

/** A Stripe event of the emulator's shape around a given session object, for forging stale events. */
export function eventAbout(session: Stripe.Checkout.Session, type: string, id = `evt_forged_${Math.random().toString(36).slice(2)}`) {
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
