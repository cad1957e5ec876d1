import Stripe from 'stripe';
import {
  Receiver,
  RunningEmulator,
  WEBHOOK_SECRET,
  sessionParams,
  startEmulator,
  startReceiver,
  waitFor,
} from './emulator-test-kit';

let em: RunningEmulator;
let stripe: Stripe;
const receivers: Receiver[] = [];

beforeAll(async () => {
  em = await startEmulator();
  stripe = em.stripe();
});
afterAll(async () => {
  await em.emulator.close();
  await Promise.all(receivers.map((r) => r.close()));
});

async function receiver(respond?: Receiver['respond']): Promise<Receiver> {
  const r = await startReceiver(respond);
  receivers.push(r);
  em.emulator.setWebhookUrls([r.url]);
  return r;
}

const complete = (id: string, payment_behavior?: string) =>
  stripe.rawRequest('POST', `/v1/test_helpers/checkout/sessions/${id}/complete`, payment_behavior ? { payment_behavior } : {}) as Promise<
    Stripe.Checkout.Session & { lastResponse: { requestId: string } }
  >;

const eventsFor = (r: Receiver, sessionId: string) =>
  r.deliveries.filter((d) => (d.event.data.object as Stripe.Checkout.Session).id === sessionId);

describe('the test helper and the events it causes', () => {
  it('pays a session: complete + paid, and a signed checkout.session.completed arrives', async () => {
    const r = await receiver();
    const session = await stripe.checkout.sessions.create(sessionParams());
    const paid = await complete(session.id);
    expect(paid).toMatchObject({ id: session.id, status: 'complete', payment_status: 'paid', url: null });
    expect(paid.payment_intent).toMatch(/^pi_/);

    const [delivery] = await waitFor(() => eventsFor(r, session.id).length === 1 && eventsFor(r, session.id));
    // The real SDK verifies the signature over the exact bytes received.
    const event = stripe.webhooks.constructEvent(delivery!.body, delivery!.signature, WEBHOOK_SECRET);
    expect(event).toMatchObject({
      object: 'event',
      type: 'checkout.session.completed',
      livemode: false,
      pending_webhooks: 1,
      request: { id: paid.lastResponse.requestId },
      data: { object: { id: session.id, status: 'complete', payment_status: 'paid', metadata: { order: 'A-1' } } },
    });
    expect(event.id).toMatch(/^evt_/);
    expect(event.api_version).toEqual(expect.any(String));
    expect(delivery!.signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
  });

  it('signs with the configured secret only', async () => {
    const r = await receiver();
    const session = await stripe.checkout.sessions.create(sessionParams());
    await complete(session.id);
    const [delivery] = await waitFor(() => eventsFor(r, session.id).length > 0 && eventsFor(r, session.id));
    expect(() => stripe.webhooks.constructEvent(delivery!.body, delivery!.signature, 'whsec_other')).toThrow(
      Stripe.errors.StripeSignatureVerificationError,
    );
  });

  it('async success: completed while unpaid, then async_payment_succeeded with paid', async () => {
    const r = await receiver();
    const session = await stripe.checkout.sessions.create(sessionParams());
    const completed = await complete(session.id, 'async_succeeded');
    expect(completed).toMatchObject({ status: 'complete', payment_status: 'unpaid' });

    const deliveries = await waitFor(() => eventsFor(r, session.id).length === 2 && eventsFor(r, session.id));
    expect(deliveries.map((d) => [d.event.type, (d.event.data.object as Stripe.Checkout.Session).payment_status])).toEqual([
      ['checkout.session.completed', 'unpaid'],
      ['checkout.session.async_payment_succeeded', 'paid'],
    ]);
    expect(await stripe.checkout.sessions.retrieve(session.id)).toMatchObject({ status: 'complete', payment_status: 'paid' });
  });

  it('async failure: completed while unpaid, then async_payment_failed; the session stays unpaid', async () => {
    const r = await receiver();
    const session = await stripe.checkout.sessions.create(sessionParams());
    await complete(session.id, 'async_failed');
    const deliveries = await waitFor(() => eventsFor(r, session.id).length === 2 && eventsFor(r, session.id));
    expect(deliveries.map((d) => d.event.type)).toEqual(['checkout.session.completed', 'checkout.session.async_payment_failed']);
    expect(await stripe.checkout.sessions.retrieve(session.id)).toMatchObject({ status: 'complete', payment_status: 'unpaid' });
  });

  it('refuses to complete a session that is not open, and an unknown payment_behavior', async () => {
    const session = await stripe.checkout.sessions.create(sessionParams());
    const bad = await complete(session.id, 'sometimes').catch((e) => e);
    expect(bad).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(bad.param).toBe('payment_behavior');

    await stripe.checkout.sessions.expire(session.id);
    const error = await complete(session.id).catch((e) => e);
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(error.statusCode).toBe(400);
  });

  it('emits checkout.session.expired for an API expire, naming the request and its key', async () => {
    const r = await receiver();
    const session = await stripe.checkout.sessions.create(sessionParams());
    const expired = await stripe.checkout.sessions.expire(session.id, {}, { idempotencyKey: 'expire-key-1' });
    const [delivery] = await waitFor(() => eventsFor(r, session.id).length === 1 && eventsFor(r, session.id));
    expect(delivery!.event).toMatchObject({
      type: 'checkout.session.expired',
      request: { id: expired.lastResponse.requestId, idempotency_key: 'expire-key-1' },
      data: { object: { status: 'expired' } },
    });
  });

  it('delivers to every configured URL', async () => {
    const a = await startReceiver();
    const b = await startReceiver();
    receivers.push(a, b);
    em.emulator.setWebhookUrls([a.url, b.url]);
    const session = await stripe.checkout.sessions.create(sessionParams());
    await complete(session.id);
    await waitFor(() => eventsFor(a, session.id).length === 1 && eventsFor(b, session.id).length === 1);
    expect(eventsFor(a, session.id)[0]!.event.id).toBe(eventsFor(b, session.id)[0]!.event.id);
  });
});

describe('delivery retries', () => {
  it('retries after 500s with backoff until the receiver answers 2xx', async () => {
    const r = await receiver((n) => (n < 2 ? 500 : 200));
    const session = await stripe.checkout.sessions.create(sessionParams());
    await complete(session.id);
    const deliveries = await waitFor(() => eventsFor(r, session.id).length === 3 && eventsFor(r, session.id));
    expect(deliveries.map((d) => d.status)).toEqual([500, 500, 200]);
    expect(new Set(deliveries.map((d) => d.event.id)).size).toBe(1);
    // Each attempt is signed afresh and verifies.
    for (const d of deliveries) expect(() => stripe.webhooks.constructEvent(d.body, d.signature, WEBHOOK_SECRET)).not.toThrow();

    const event = await stripe.events.retrieve(deliveries[0]!.event.id);
    expect(event.pending_webhooks).toBe(0);
    const delivered = await stripe.events.list({ delivery_success: true, limit: 100 });
    expect(delivered.data.map((e) => e.id)).toContain(event.id);
  });

  it('gives up after maxAttempts and reports the event undelivered', async () => {
    const r = await receiver(() => 503);
    const session = await stripe.checkout.sessions.create(sessionParams());
    await complete(session.id);
    await waitFor(() => eventsFor(r, session.id).length === 4);
    const eventId = eventsFor(r, session.id)[0]!.event.id;
    // The kit allows 4 attempts: once the emulator has given up, no fifth is scheduled.
    await waitFor(() => em.log.some((line) => line.includes(eventId) && line.includes('giving up after 4 attempts')));
    expect(eventsFor(r, session.id)).toHaveLength(4);

    expect((await stripe.events.retrieve(eventId)).pending_webhooks).toBe(1);
    const failed = await stripe.events.list({ delivery_success: false, limit: 100 });
    expect(failed.data.map((e) => e.id)).toContain(eventId);
  });

  it('retries when the endpoint cannot be reached, and delivers once it is back', async () => {
    const gone = await startReceiver();
    await gone.close(); // nothing listens at its address now
    em.emulator.setWebhookUrls([gone.url]);
    const session = await stripe.checkout.sessions.create(sessionParams());
    await complete(session.id);
    await waitFor(() => em.log.some((line) => line.includes(`-> ${gone.url}: no answer; retry in`))); // the first attempt failed on the closed port
    const back = await startReceiver(undefined, Number(new URL(gone.url).port));
    receivers.push(back);
    const [delivery] = await waitFor(() => eventsFor(back, session.id).length === 1 && eventsFor(back, session.id));
    await waitFor(async () => (await stripe.events.retrieve(delivery!.event.id)).pending_webhooks === 0);
  });
});

describe('GET /v1/events', () => {
  it('lists newest first, filters by type and created, pages, and retrieves by id', async () => {
    em.emulator.setWebhookUrls([]);
    const session = await stripe.checkout.sessions.create(sessionParams());
    await complete(session.id, 'async_succeeded');
    await waitFor(async () => (await stripe.events.list({ limit: 1 })).data[0]?.type === 'checkout.session.async_payment_succeeded');

    const [newest, older] = (await stripe.events.list({ limit: 2 })).data;
    expect(newest!.type).toBe('checkout.session.async_payment_succeeded');
    expect(older!.type).toBe('checkout.session.completed');
    expect((older!.data.object as Stripe.Checkout.Session).payment_status).toBe('unpaid');

    const page = await stripe.events.list({ limit: 1, starting_after: newest!.id });
    expect(page.data[0]!.id).toBe(older!.id);

    const completedOnly = await stripe.events.list({ type: 'checkout.session.completed', limit: 100 });
    expect(completedOnly.data.every((e) => e.type === 'checkout.session.completed')).toBe(true);
    const wildcard = await stripe.events.list({ type: 'checkout.session.*', limit: 2 });
    expect(wildcard.data.map((e) => e.id)).toEqual([newest!.id, older!.id]);

    const future = await stripe.events.list({ created: { gt: newest!.created + 10 } });
    expect(future.data).toHaveLength(0);
    const recent = await stripe.events.list({ created: { gte: older!.created }, limit: 100 });
    expect(recent.data.map((e) => e.id)).toContain(older!.id);

    expect((await stripe.events.retrieve(older!.id)).id).toBe(older!.id);
    const missing = await stripe.events.retrieve('evt_missing').catch((e) => e);
    expect(missing).toMatchObject({ statusCode: 404, code: 'resource_missing' });
  });

  it('refuses a limit above 100', async () => {
    const error = await stripe.events.list({ limit: 101 }).catch((e) => e);
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(error.param).toBe('limit');
  });
});
