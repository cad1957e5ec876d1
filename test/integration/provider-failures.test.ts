import { freePort, startHarness, paymentInput, type Harness } from '../support/gateway-harness';

const CREATE = 'mutation ($input: CreatePaymentInput!) { createPayment(input: $input) { ref status } }';

describe('when Stripe refuses the checkout session', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });
  afterEach(() => h.emulator.resetFaults());

  it('stores the payment as FAILED and answers PROVIDER_ERROR with its ref (GraphQL and REST)', async () => {
    h.emulator.setFaults({ apiRefusalRate: 1 });
    const graphql = await h.graphql(CREATE, { input: paymentInput() });
    expect(graphql.errors?.[0].extensions.code).toBe('PROVIDER_ERROR');
    const graphqlRef = graphql.errors?.[0].extensions.ref;
    expect(graphqlRef).toMatch(/^pay_/);

    const rest = await h.rest('POST', '/api/v1/payment', { body: paymentInput() });
    expect(rest.status).toBe(502);
    expect(rest.body.error.code).toBe('PROVIDER_ERROR');
    h.emulator.resetFaults();

    for (const ref of [graphqlRef, rest.body.error.ref]) {
      const stored = await h.rest('GET', `/api/v1/payment?ref=${ref}`);
      expect(stored.body.status).toBe('FAILED');
      expect(stored.body.checkoutUrl).toBeNull();
      expect(stored.body.events.at(-1)).toMatchObject({ from: 'PROCESSING', to: 'FAILED', source: 'API', applied: true });
    }
  });

  it('lets the order be paid by a new payment afterwards', async () => {
    const input = paymentInput();
    h.emulator.setFaults({ apiRefusalRate: 1 });
    expect((await h.rest('POST', '/api/v1/payment', { body: input })).status).toBe(502);
    h.emulator.resetFaults();
    const retry = await h.rest('POST', '/api/v1/payment', { body: input });
    expect(retry.status).toBe(201);
    expect(retry.body.status).toBe('PENDING');
  });
});

describe('when Stripe is unreachable', () => {
  let h: Harness;
  beforeAll(async () => {
    // Nothing listens on this port: every call to "Stripe" fails to connect.
    h = await startHarness({ stripeApiUrl: `http://127.0.0.1:${await freePort()}` });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('answers PROVIDER_UNAVAILABLE with the ref, keeps the payment PROCESSING, and keeps serving', async () => {
    const rest = await h.rest('POST', '/api/v1/payment', { body: paymentInput() });
    expect(rest.status).toBe(503);
    expect(rest.body.error.code).toBe('PROVIDER_UNAVAILABLE');
    const ref = rest.body.error.ref;
    expect(ref).toMatch(/^pay_/);

    const graphql = await h.graphql(CREATE, { input: paymentInput() });
    expect(graphql.errors?.[0].extensions).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', ref: expect.stringMatching(/^pay_/) });

    const stored = await h.rest('GET', `/api/v1/payment?ref=${ref}`);
    expect(stored.status).toBe(200);
    expect(stored.body.status).toBe('PROCESSING');
    expect((await h.rest('GET', '/healthz', { key: null })).status).toBe(200);
  });

  it('refuses to expire a payment whose session does not exist yet, with a clear code', async () => {
    const { body } = await h.rest('POST', '/api/v1/payment', { body: paymentInput() });
    const expire = await h.rest('POST', `/api/v1/payment/expire?ref=${body.error.ref}`);
    expect(expire.status).toBe(409);
    expect(expire.body.error.code).toBe('INVALID_PAYMENT_STATE');
  });
});
