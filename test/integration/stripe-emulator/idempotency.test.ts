import Stripe from 'stripe';
import { RunningEmulator, rawPost, sessionParams, startEmulator } from './emulator-test-kit';

let em: RunningEmulator;
let stripe: Stripe;

beforeAll(async () => {
  em = await startEmulator();
  stripe = em.stripe();
});
afterAll(() => em.emulator.close());
afterEach(() => em.emulator.resetFaults());

async function sessionCount(): Promise<number> {
  let count = 0;
  for await (const _ of stripe.checkout.sessions.list({ limit: 100 })) count++;
  return count;
}

/** A fresh idempotency key: unique within the run (the pid and a counter), the same from run to run. */
let keys = 0;
const key = () => `key-${process.pid}-${++keys}`;

describe('idempotency keys', () => {
  it('replays the first answer for the same key and parameters, creating one session', async () => {
    const params = sessionParams();
    const idempotencyKey = key();
    const before = await sessionCount();
    const first = await stripe.checkout.sessions.create(params, { idempotencyKey });
    const second = await stripe.checkout.sessions.create(params, { idempotencyKey });

    expect(second.id).toBe(first.id);
    expect(second.lastResponse.headers['idempotent-replayed']).toBe('true');
    expect(first.lastResponse.headers['idempotent-replayed']).toBeUndefined();
    expect(await sessionCount()).toBe(before + 1);
  });

  it('replays the stored answer even after the session changed', async () => {
    const idempotencyKey = key();
    const first = await stripe.checkout.sessions.create(sessionParams(), { idempotencyKey });
    await stripe.checkout.sessions.expire(first.id);
    const replay = await stripe.checkout.sessions.create(sessionParams({ expires_at: first.expires_at }), { idempotencyKey });
    expect(replay).toMatchObject({ id: first.id, status: 'open' });
  });

  it('refuses the same key with other parameters as an idempotency_error', async () => {
    const idempotencyKey = key();
    await stripe.checkout.sessions.create(sessionParams({ client_reference_id: 'one' }), { idempotencyKey });
    const error = await stripe.checkout.sessions
      .create(sessionParams({ client_reference_id: 'two' }), { idempotencyKey })
      .catch((e) => e);
    expect(error).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect(error.statusCode).toBe(400);
    expect(error.message).toContain('same parameters');
  });

  it('refuses the same key on another endpoint', async () => {
    const idempotencyKey = key();
    const session = await stripe.checkout.sessions.create(sessionParams(), { idempotencyKey });
    const error = await stripe.checkout.sessions.expire(session.id, {}, { idempotencyKey }).catch((e) => e);
    expect(error).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect(error.message).toContain('same endpoint');
  });

  it('scopes keys to the API key', async () => {
    const idempotencyKey = key();
    const a = await stripe.checkout.sessions.create(sessionParams(), { idempotencyKey });
    const b = await em.stripe({ key: 'sk_test_other_merchant' }).checkout.sessions.create(sessionParams(), { idempotencyKey });
    expect(b.id).not.toBe(a.id);
  });

  it('keeps keys 24 hours: a day later the key is new again', async () => {
    const fresh = await startEmulator();
    try {
      const client = fresh.stripe();
      const idempotencyKey = key();
      const first = await client.checkout.sessions.create(sessionParams({ expires_at: undefined }), { idempotencyKey });
      fresh.emulator.advanceClock(23 * 60 * 60);
      const replay = await client.checkout.sessions.create(sessionParams({ expires_at: undefined }), { idempotencyKey });
      expect(replay.id).toBe(first.id);
      fresh.emulator.advanceClock(60 * 60 + 1);
      const later = await client.checkout.sessions.create(sessionParams({ expires_at: undefined, client_reference_id: 'other' }), { idempotencyKey });
      expect(later.id).not.toBe(first.id);
    } finally {
      await fresh.emulator.close();
    }
  });

  it('does not store a request refused by validation, so it can be fixed and retried', async () => {
    const idempotencyKey = key();
    const bad = await stripe.checkout.sessions.create(sessionParams({ success_url: 'nope' }), { idempotencyKey }).catch((e) => e);
    expect(bad).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    const good = await stripe.checkout.sessions.create(sessionParams(), { idempotencyKey });
    expect(good.status).toBe('open');
  });

  it('replays a stored error too (an expire refused for a non-open session)', async () => {
    const session = await stripe.checkout.sessions.create(sessionParams());
    await stripe.checkout.sessions.expire(session.id);
    const idempotencyKey = key();
    const first = await stripe.checkout.sessions.expire(session.id, {}, { idempotencyKey }).catch((e) => e);
    const again = await stripe.checkout.sessions.expire(session.id, {}, { idempotencyKey }).catch((e) => e);
    expect(first).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(again.message).toBe(first.message);
    expect(again.headers['idempotent-replayed']).toBe('true');
  });

  it('answers 409 to a request whose key is still in flight, as Stripe does', async () => {
    em.emulator.setFaults({ apiLatencyMs: 300 });
    const idempotencyKey = key();
    const body = 'mode=payment&success_url=https%3A%2F%2Fm.example&line_items[0][price_data][currency]=usd' +
      '&line_items[0][price_data][unit_amount]=900&line_items[0][price_data][product_data][name]=X&line_items[0][quantity]=1';
    const headers = { 'Idempotency-Key': idempotencyKey };
    const [a, b] = await Promise.all([
      rawPost(em.url, '/v1/checkout/sessions', body, headers),
      new Promise((r) => setTimeout(r, 50)).then(() => rawPost(em.url, '/v1/checkout/sessions', body, headers)),
    ]);
    expect(a.status).toBe(200);
    expect(b.status).toBe(409);
    expect(b.json.error).toMatchObject({ type: 'idempotency_error', code: 'idempotency_key_in_use' });

    // Once the first has finished, the same request is a replay.
    const c = await rawPost(em.url, '/v1/checkout/sessions', body, headers);
    expect(c.json.id).toBe(a.json.id);
    expect(c.headers.get('idempotent-replayed')).toBe('true');
  });

  it('creates one session for concurrent SDK calls with one key (the SDK retries the 409)', async () => {
    em.emulator.setFaults({ apiLatencyMs: 200 });
    const retrying = em.stripe({ maxNetworkRetries: 3 });
    const params = sessionParams();
    const idempotencyKey = key();
    const before = await sessionCount();
    const results = await Promise.all([0, 1, 2].map(() => retrying.checkout.sessions.create(params, { idempotencyKey })));
    expect(new Set(results.map((s) => s.id)).size).toBe(1);
    em.emulator.resetFaults();
    expect(await sessionCount()).toBe(before + 1);
  });

  it('needs no key: two identical requests without one are two sessions', async () => {
    const body = 'mode=payment&success_url=https%3A%2F%2Fm.example&line_items[0][price_data][currency]=eur' +
      '&line_items[0][price_data][unit_amount]=900&line_items[0][price_data][product_data][name]=X&line_items[0][quantity]=1';
    const a = await rawPost(em.url, '/v1/checkout/sessions', body);
    const b = await rawPost(em.url, '/v1/checkout/sessions', body);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(a.json.id).not.toBe(b.json.id);
  });
});
