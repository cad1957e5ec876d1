import Stripe from 'stripe';
import { Receiver, RunningEmulator, sessionParams, startEmulator, startReceiver, waitFor } from './emulator-test-kit';

let em: RunningEmulator;
let stripe: Stripe;
let receiver: Receiver;

beforeAll(async () => {
  em = await startEmulator();
  stripe = em.stripe();
  receiver = await startReceiver();
  em.emulator.setWebhookUrls([receiver.url]);
});
afterAll(async () => {
  await em.emulator.close();
  await receiver.close();
});
afterEach(() => em.emulator.resetFaults());

const complete = (id: string) => stripe.rawRequest('POST', `/v1/test_helpers/checkout/sessions/${id}/complete`, {});
const deliveriesOf = (sessionId: string) =>
  receiver.deliveries.filter((d) => (d.event.data.object as Stripe.Checkout.Session).id === sessionId);
/**
 * Proves the sender had its chance: with the faults reset, completes a marker session and waits
 * until its event arrives. Anything an earlier event was going to send (a copy, a late delivery) was
 * scheduled before it and with no longer a wait, so it would have arrived by then.
 */
async function untilLaterDeliveryHeard(): Promise<void> {
  em.emulator.resetFaults();
  const marker = await stripe.checkout.sessions.create(sessionParams());
  await complete(marker.id);
  await waitFor(() => deliveriesOf(marker.id).length === 1);
}
const faultsUrl = () => `${em.url}/__emulator/faults`;

async function countSessions(): Promise<number> {
  let n = 0;
  for await (const _ of stripe.checkout.sessions.list({ limit: 100 })) n++;
  return n;
}

describe('the faults endpoint', () => {
  it('shows, changes (any subset), validates and resets the faults', async () => {
    const initial = await (await fetch(faultsUrl())).json();
    expect(initial).toEqual({
      apiLatencyMs: 0, apiErrorRate: 0, apiRefusalRate: 0, webhookDuplicateRate: 0,
      webhookReorder: false, webhookDelayMs: 0, webhookDropRate: 0,
    });

    const set = await fetch(faultsUrl(), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"webhookDropRate":0.5,"webhookReorder":true}' });
    expect(set.status).toBe(200);
    expect(await set.json()).toMatchObject({ webhookDropRate: 0.5, webhookReorder: true, apiErrorRate: 0 });

    for (const bad of ['{"apiErrorRate":2}', '{"apiLatencyMs":-1}', '{"webhookReorder":"yes"}', '{"typo":1}', '{not json']) {
      const res = await fetch(faultsUrl(), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: bad });
      expect([bad, res.status]).toEqual([bad, 400]);
    }
    expect(((await (await fetch(faultsUrl())).json()) as any).webhookDropRate).toBe(0.5);

    const reset = await fetch(faultsUrl(), { method: 'DELETE' });
    expect(await reset.json()).toEqual(initial);
  });

  it('takes faults from the options', async () => {
    const faulty = await startEmulator({ faults: { apiRefusalRate: 1 } });
    try {
      const error = await faulty.stripe().checkout.sessions.create(sessionParams()).catch((e) => e);
      expect(error.message).toBe('The emulator refused this session (apiRefusalRate)');
    } finally {
      await faulty.emulator.close();
    }
  });
});

describe('API faults', () => {
  it('apiErrorRate 1: every call fails as a 500 StripeAPIError or a 429 StripeRateLimitError, changing nothing', async () => {
    const before = await countSessions();
    em.emulator.setFaults({ apiErrorRate: 1 });
    const classes = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const error = await stripe.checkout.sessions.create(sessionParams()).catch((e) => e);
      if (error instanceof Stripe.errors.StripeRateLimitError) {
        expect(error.statusCode).toBe(429);
        classes.add('rate_limit');
      } else {
        expect(error).toBeInstanceOf(Stripe.errors.StripeAPIError);
        expect(error.statusCode).toBe(500);
        classes.add('api');
      }
    }
    expect(classes).toEqual(new Set(['rate_limit', 'api']));
    em.emulator.resetFaults();
    expect(await countSessions()).toBe(before);
  });

  it('sends Retry-After with an injected 429', async () => {
    em.emulator.setFaults({ apiErrorRate: 1 });
    const statuses = new Set<number>();
    for (let i = 0; i < 20 && statuses.size < 2; i++) {
      const res = await fetch(`${em.url}/v1/events`, { headers: { Authorization: 'Bearer sk_test_x' } });
      statuses.add(res.status);
      if (res.status === 429) expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    expect(statuses).toEqual(new Set([429, 500]));
  });

  it('an injected 500 is not stored for the key: the SDK retry with the same key succeeds', async () => {
    em.emulator.setFaults({ apiErrorRate: 1 });
    const idempotencyKey = `fault-${Date.now()}`;
    await stripe.checkout.sessions.create(sessionParams(), { idempotencyKey }).catch(() => undefined);
    em.emulator.resetFaults();
    const session = await stripe.checkout.sessions.create(sessionParams(), { idempotencyKey });
    expect(session.lastResponse.headers['idempotent-replayed']).toBeUndefined();
    expect(session.status).toBe('open');
  });

  it('apiRefusalRate 1: session creation is refused as an invalid request; reads still work', async () => {
    em.emulator.setFaults({ apiRefusalRate: 1 });
    const error = await stripe.checkout.sessions.create(sessionParams()).catch((e) => e);
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(error.statusCode).toBe(400);
    expect(error.message).toBe('The emulator refused this session (apiRefusalRate)');
    await expect(stripe.events.list({ limit: 1 })).resolves.toMatchObject({ object: 'list' });
  });

  it('apiLatencyMs delays every answer', async () => {
    em.emulator.setFaults({ apiLatencyMs: 250 });
    const started = Date.now();
    await stripe.events.list({ limit: 1 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(240);
  });
});

describe('webhook faults', () => {
  it('webhookDropRate 1: the event is listed, undelivered, and never sent', async () => {
    em.emulator.setFaults({ webhookDropRate: 1 });
    const session = await stripe.checkout.sessions.create(sessionParams());
    await complete(session.id);
    await untilLaterDeliveryHeard();
    expect(deliveriesOf(session.id)).toHaveLength(0);

    const undelivered = await stripe.events.list({ delivery_success: false, type: 'checkout.session.completed', limit: 100 });
    const event = undelivered.data.find((e) => (e.data.object as Stripe.Checkout.Session).id === session.id);
    expect(event).toBeDefined();
    expect(event!.pending_webhooks).toBe(1);
    const delivered = await stripe.events.list({ delivery_success: true, limit: 100 });
    expect(delivered.data.some((e) => e.id === event!.id)).toBe(false);
  });

  it('webhookDuplicateRate 1: each event arrives twice, with the same id', async () => {
    em.emulator.setFaults({ webhookDuplicateRate: 1 });
    const session = await stripe.checkout.sessions.create(sessionParams());
    await complete(session.id);
    const deliveries = await waitFor(() => deliveriesOf(session.id).length === 2 && deliveriesOf(session.id));
    expect(deliveries[0]!.event.id).toBe(deliveries[1]!.event.id);
    await untilLaterDeliveryHeard();
    expect(deliveriesOf(session.id)).toHaveLength(2);
  });

  it('webhookDelayMs holds deliveries back', async () => {
    em.emulator.setFaults({ webhookDelayMs: 400 });
    const session = await stripe.checkout.sessions.create(sessionParams());
    const undelayed = await stripe.checkout.sessions.create(sessionParams());
    const started = Date.now();
    await complete(session.id);
    em.emulator.resetFaults();
    // An event emitted after it, without the delay, arrives while the delayed one is still held back.
    await complete(undelayed.id);
    await waitFor(() => deliveriesOf(undelayed.id).length === 1);
    expect(deliveriesOf(session.id)).toHaveLength(0);
    await waitFor(() => deliveriesOf(session.id).length === 1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(390);
  });

  it('webhookReorder lets later events overtake earlier ones', async () => {
    em.emulator.setFaults({ webhookReorder: true });
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) {
      const session = await stripe.checkout.sessions.create(sessionParams());
      await complete(session.id);
      ids.push(session.id);
    }
    await waitFor(() => ids.every((id) => deliveriesOf(id).length === 1), 5000);
    const arrival = receiver.deliveries
      .map((d) => (d.event.data.object as Stripe.Checkout.Session).id)
      .filter((id) => ids.includes(id));
    expect(arrival).toHaveLength(8);
    expect(arrival).not.toEqual(ids);
  });
});
