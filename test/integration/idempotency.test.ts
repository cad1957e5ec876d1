import { startHarness, paymentInput, type Harness } from '../support/gateway-harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});
afterEach(() => h.emulator.resetFaults());

const sessionsFor = async (ref: string) =>
  (await h.stripe.checkout.sessions.list({ limit: 100 })).data.filter((session) => session.client_reference_id === ref);

describe('Idempotency-Key on createPayment', () => {
  it('50 concurrent creates with one key: one payment, one emulator session, 50 identical answers', async () => {
    h.emulator.setFaults({ apiLatencyMs: 300 }); // keep the first request in flight while the others arrive
    const key = `key-${Date.now()}-fifty`;
    const body = paymentInput();
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => h.rest('POST', '/api/v1/payment', { body, headers: { 'idempotency-key': key } })),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(50).fill(201));
    const first = answers[0].body;
    for (const answer of answers) expect(answer.body).toEqual(first);
    expect(first.status).toBe('PENDING');
    expect(await sessionsFor(first.ref)).toHaveLength(1);
    const list = await h.graphql('query ($o: String) { payments(orderId: $o) { edges { node { ref } } } }', { o: body.orderId });
    expect(list.data.payments.edges).toHaveLength(1);
  });

  it('the same key with another body is 409 IDEMPOTENCY_CONFLICT, and nothing new is made', async () => {
    const key = `key-${Date.now()}-other-body`;
    const first = await h.rest('POST', '/api/v1/payment', { body: paymentInput(), headers: { 'idempotency-key': key } });
    expect(first.status).toBe(201);
    const second = await h.rest('POST', '/api/v1/payment', { body: paymentInput(), headers: { 'idempotency-key': key } });
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe('IDEMPOTENCY_CONFLICT');
  });

  it('is shared by REST and GraphQL: the same key and input replays the first answer on the other door', async () => {
    const key = `key-${Date.now()}-doors`;
    const input = paymentInput();
    const rest = await h.rest('POST', '/api/v1/payment', { body: { ...input, metadata: { b: '2', a: '1' } }, headers: { 'idempotency-key': key } });
    const graphql = await h.graphql(
      'mutation ($input: CreatePaymentInput!) { createPayment(input: $input) { ref status amount } }',
      { input: { ...input, metadata: { a: '1', b: '2' } } },
      h.merchant.secretKey,
      { 'idempotency-key': key },
    );
    expect(graphql.errors).toBeUndefined();
    expect(graphql.data.createPayment).toEqual({ ref: rest.body.ref, status: rest.body.status, amount: rest.body.amount });
  });

  it('replays a refusal as it was first answered (the same ref, still FAILED), without a second attempt', async () => {
    const key = `key-${Date.now()}-refused`;
    const body = paymentInput();
    h.emulator.setFaults({ apiRefusalRate: 1 });
    const first = await h.rest('POST', '/api/v1/payment', { body, headers: { 'idempotency-key': key } });
    h.emulator.resetFaults();
    const again = await h.rest('POST', '/api/v1/payment', { body, headers: { 'idempotency-key': key } });
    expect(first.status).toBe(502);
    expect(again.status).toBe(502);
    expect(again.body.error).toMatchObject({ code: 'PROVIDER_ERROR', ref: first.body.error.ref });
  });

  it('after Stripe was unavailable, a retry with the same key finishes the same payment', async () => {
    const key = `key-${Date.now()}-outage`;
    const body = paymentInput();
    h.emulator.setFaults({ apiErrorRate: 1 });
    const first = await h.rest('POST', '/api/v1/payment', { body, headers: { 'idempotency-key': key } });
    expect(first.status).toBe(503);
    h.emulator.resetFaults();
    const retry = await h.rest('POST', '/api/v1/payment', { body, headers: { 'idempotency-key': key } });
    expect(retry.status).toBe(201);
    expect(retry.body).toMatchObject({ ref: first.body.error.ref, status: 'PENDING' });
    expect(await sessionsFor(retry.body.ref)).toHaveLength(1);
  });

  it('an invalid request does not use up its key', async () => {
    const key = `key-${Date.now()}-invalid`;
    const bad = await h.rest('POST', '/api/v1/payment', { body: paymentInput({ currency: 'XYZ' }), headers: { 'idempotency-key': key } });
    expect(bad.status).toBe(400);
    const good = await h.rest('POST', '/api/v1/payment', { body: paymentInput(), headers: { 'idempotency-key': key } });
    expect(good.status).toBe(201);
  });

  it('refuses a key longer than 255 characters', async () => {
    const answer = await h.rest('POST', '/api/v1/payment', { body: paymentInput(), headers: { 'idempotency-key': 'k'.repeat(256) } });
    expect(answer.status).toBe(400);
    expect(answer.body.error.details[0].field).toBe('Idempotency-Key');
  });
});

describe('races settled by the database', () => {
  it('20 concurrent creates for one orderId with different keys: one payment, 19 ORDER_CONFLICT naming it', async () => {
    const body = paymentInput();
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => h.rest('POST', '/api/v1/payment', { body, headers: { 'idempotency-key': `order-race-${Date.now()}-${i}` } })),
    );
    const created = answers.filter((a) => a.status === 201);
    const conflicts = answers.filter((a) => a.status === 409);
    expect(created).toHaveLength(1);
    expect(conflicts).toHaveLength(19);
    for (const conflict of conflicts) expect(conflict.body.error).toMatchObject({ code: 'ORDER_CONFLICT', ref: created[0].body.ref });
    expect(await sessionsFor(created[0].body.ref)).toHaveLength(1);
  });
});
