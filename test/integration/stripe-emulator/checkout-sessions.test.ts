import Stripe from 'stripe';
import { API_KEY, RunningEmulator, lineItems, nowSeconds, sessionParams, startEmulator } from './emulator-test-kit';

let em: RunningEmulator;
let stripe: Stripe;

beforeAll(async () => {
  em = await startEmulator({ apiKey: API_KEY });
  stripe = em.stripe();
});
afterAll(() => em.emulator.close());

describe('creating and reading checkout sessions', () => {
  it('creates an open, unpaid session with Stripe fields and a hosted page url', async () => {
    const before = nowSeconds();
    const params = sessionParams({ client_reference_id: 'order-7', customer_email: 'jane@example.com' });
    const session = await stripe.checkout.sessions.create(params);

    expect(session.id).toMatch(/^cs_test_/);
    expect(session).toMatchObject({
      object: 'checkout.session',
      mode: 'payment',
      status: 'open',
      payment_status: 'unpaid',
      payment_intent: null,
      currency: 'usd',
      amount_subtotal: 3000,
      amount_total: 3000,
      livemode: false,
      client_reference_id: 'order-7',
      customer_email: 'jane@example.com',
      metadata: { order: 'A-1' },
      success_url: params.success_url,
      cancel_url: params.cancel_url,
      expires_at: params.expires_at,
      url: `${em.url}/c/pay/${session.id}`,
    });
    expect(session.created).toBeGreaterThanOrEqual(before);
    expect(session.lastResponse.requestId).toMatch(/^req_/);
  });

  it('defaults expires_at to 24 hours after creation, as Stripe does', async () => {
    const session = await stripe.checkout.sessions.create(sessionParams({ expires_at: undefined }));
    expect(session.expires_at - session.created).toBe(24 * 60 * 60);
  });

  it('retrieves a session, optionally with its line items expanded', async () => {
    const created = await stripe.checkout.sessions.create(sessionParams());
    const plain = await stripe.checkout.sessions.retrieve(created.id);
    expect(plain.id).toBe(created.id);
    expect(plain.line_items).toBeUndefined();

    const expanded = await stripe.checkout.sessions.retrieve(created.id, { expand: ['line_items'] });
    expect(expanded.line_items?.data.map((li) => [li.description, li.quantity, li.amount_total])).toEqual([
      ['T-shirt', 2, 2500],
      ['Socks', 1, 500],
    ]);
  });

  it('lists line items with their one-off prices', async () => {
    const created = await stripe.checkout.sessions.create(sessionParams());
    const items = await stripe.checkout.sessions.listLineItems(created.id);
    expect(items.data).toHaveLength(2);
    expect(items.data[0]).toMatchObject({
      object: 'item',
      description: 'T-shirt',
      quantity: 2,
      amount_subtotal: 2500,
      currency: 'usd',
      price: { object: 'price', unit_amount: 1250, currency: 'usd', type: 'one_time' },
    });
  });

  it('answers 404 resource_missing for an unknown session', async () => {
    const error = await stripe.checkout.sessions.retrieve('cs_test_nope').catch((e) => e);
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(error).toMatchObject({ statusCode: 404, code: 'resource_missing', param: 'id' });
  });

  it('lists sessions newest first and pages with limit and starting_after', async () => {
    const marker = `list-${Date.now()}`;
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push((await stripe.checkout.sessions.create(sessionParams({ client_reference_id: `${marker}-${i}` }))).id);
    }
    const first = await stripe.checkout.sessions.list({ limit: 2 });
    expect(first.data.map((s) => s.id)).toEqual([ids[2], ids[1]]);
    expect(first.has_more).toBe(true);
    expect(first.url).toBe('/v1/checkout/sessions');

    const next = await stripe.checkout.sessions.list({ limit: 1, starting_after: ids[1] });
    expect(next.data.map((s) => s.id)).toEqual([ids[0]]);

    const open = await stripe.checkout.sessions.list({ status: 'expired', limit: 100 });
    expect(open.data.some((s) => ids.includes(s.id))).toBe(false);
  });

  it('keeps zero-decimal amounts as given: ¥5000 is 5000, not 500000', async () => {
    const session = await stripe.checkout.sessions.create(
      sessionParams({
        line_items: [{ price_data: { currency: 'JPY', unit_amount: 2500, product_data: { name: 'Tea' } }, quantity: 2 }],
      }),
    );
    expect(session.currency).toBe('jpy');
    expect(session.amount_total).toBe(5000);
  });

  it('accepts 100 line items', async () => {
    const session = await stripe.checkout.sessions.create(sessionParams({ line_items: lineItems(100) }));
    expect(session.amount_total).toBe(10000);
    const items = await stripe.checkout.sessions.listLineItems(session.id, { limit: 100 });
    expect(items.data).toHaveLength(100);
    expect(items.data[99]!.description).toBe('Item 99');
  });
});

describe('expiring a session', () => {
  it('expires an open session and refuses to expire it again, with Stripe message', async () => {
    const session = await stripe.checkout.sessions.create(sessionParams());
    const expired = await stripe.checkout.sessions.expire(session.id);
    expect(expired).toMatchObject({ id: session.id, status: 'expired', payment_status: 'unpaid', url: null });

    const error = await stripe.checkout.sessions.expire(session.id).catch((e) => e);
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(error.statusCode).toBe(400);
    expect(error.message).toContain('This Checkout Session has a status of `expired`');
  });

  it('refuses to expire a completed session', async () => {
    const session = await stripe.checkout.sessions.create(sessionParams());
    await stripe.rawRequest('POST', `/v1/test_helpers/checkout/sessions/${session.id}/complete`, {});
    const error = await stripe.checkout.sessions.expire(session.id).catch((e) => e);
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(error.message).toContain('status of `complete`');
    expect((await stripe.checkout.sessions.retrieve(session.id)).status).toBe('complete');
  });

  it('answers 404 for expiring an unknown session', async () => {
    const error = await stripe.checkout.sessions.expire('cs_test_missing').catch((e) => e);
    expect(error).toMatchObject({ statusCode: 404, code: 'resource_missing' });
  });
});

describe('authentication and routing', () => {
  it('refuses a wrong key with 401, which the SDK raises as StripeAuthenticationError', async () => {
    const error = await em.stripe({ key: 'sk_test_wrong_key_1234' }).checkout.sessions.list().catch((e) => e);
    expect(error).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
    expect(error.statusCode).toBe(401);
    expect(error.message).toMatch(/^Invalid API Key provided: sk_test_\*+1234$/);
  });

  it('refuses a request without a key', async () => {
    const res = await fetch(`${em.url}/v1/checkout/sessions`);
    expect(res.status).toBe(401);
    expect(((await res.json()) as any).error.message).toContain('You did not provide an API key');
  });

  it('accepts any sk_test_ key when no apiKey is configured, but no live key', async () => {
    const open = await startEmulator();
    try {
      await expect(open.stripe({ key: 'sk_test_anything' }).checkout.sessions.list()).resolves.toMatchObject({ object: 'list' });
      const error = await open.stripe({ key: 'sk_live_real' }).checkout.sessions.list().catch((e) => e);
      expect(error).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
    } finally {
      await open.emulator.close();
    }
  });

  it('answers an unknown /v1 route with 404 "Unrecognized request URL"', async () => {
    const res = await fetch(`${em.url}/v1/charges/ch_1`, { headers: { Authorization: `Bearer ${API_KEY}` } });
    expect(res.status).toBe(404);
    const body = (await res.json()) as any;
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.message).toContain('Unrecognized request URL (GET: /v1/charges/ch_1)');
  });
});
