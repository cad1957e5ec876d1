import { startHarness, paymentInput, PAYMENT_FIELDS, type Harness } from '../support/gateway-harness';

const CREATE = `mutation ($input: CreatePaymentInput!) { createPayment(input: $input) { ${PAYMENT_FIELDS} } }`;
const READ = `query ($ref: ID!) { payment(ref: $ref) { ${PAYMENT_FIELDS} } }`;
const EXPIRE = `mutation ($ref: ID!) { expirePayment(ref: $ref) { ${PAYMENT_FIELDS} } }`;

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

describe('creating a payment', () => {
  it('answers PENDING with a checkout URL at the emulator, and the emulator really holds that session', async () => {
    const input = paymentInput();
    const result = await h.graphql(CREATE, { input });
    expect(result.errors).toBeUndefined();
    const payment = result.data.createPayment;

    expect(payment.ref).toMatch(/^pay_[0-9A-Za-z]{24}$/);
    expect(payment.status).toBe('PENDING');
    expect(payment.amount).toBe(2 * 2500 + 700);
    expect(payment.currency).toBe('USD');
    expect(payment.version).toBe(2);
    expect(payment.providerSessionId).toMatch(/^cs_test_/);
    expect(payment.checkoutUrl.startsWith(h.emulatorUrl)).toBe(true);
    expect(payment.events.map((e: any) => [e.from, e.to, e.source, e.applied])).toEqual([
      [null, 'PROCESSING', 'API', true],
      ['PROCESSING', 'PENDING', 'API', true],
    ]);

    const session = await h.stripe.checkout.sessions.retrieve(payment.providerSessionId);
    expect(session.status).toBe('open');
    expect(session.amount_total).toBe(5700);
    expect(session.currency).toBe('usd');
    expect(session.client_reference_id).toBe(payment.ref);
    expect(session.metadata).toEqual({ cartId: 'c-42' });
    expect(session.customer_email).toBe('buyer@example.com');
    expect(session.url).toBe(payment.checkoutUrl);
    // The same instant as ours, in Stripe's whole seconds.
    expect(session.expires_at).toBe(Date.parse(payment.expiresAt) / 1000);
    expect(Date.parse(payment.expiresAt) - Date.parse(payment.createdAt)).toBeGreaterThan(59 * 60_000);
    expect(Date.parse(payment.expiresAt) - Date.parse(payment.createdAt)).toBeLessThanOrEqual(60 * 60_000);
    expect(session.success_url).toContain(`/api/v1/payment/return?ref=${payment.ref}`);
  });

  it('passes JPY amounts to Stripe unchanged (zero-decimal) and USD in cents', async () => {
    const yen = await h.rest('POST', '/api/v1/payment', {
      body: paymentInput({ currency: 'JPY', lineItems: [{ name: 'Matcha', unitAmount: 1500, quantity: 3 }] }),
    });
    expect(yen.status).toBe(201);
    const yenSession = await h.stripe.checkout.sessions.retrieve(yen.body.providerSessionId);
    expect([yen.body.amount, yenSession.amount_total, yenSession.currency]).toEqual([4500, 4500, 'jpy']);
    const lineItems = await h.stripe.checkout.sessions.listLineItems(yen.body.providerSessionId);
    expect(lineItems.data[0].price?.unit_amount).toBe(1500);

    const dollars = await h.rest('POST', '/api/v1/payment', {
      body: paymentInput({ currency: 'USD', lineItems: [{ name: 'Mug', unitAmount: 1999, quantity: 1 }] }),
    });
    const usdSession = await h.stripe.checkout.sessions.retrieve(dollars.body.providerSessionId);
    expect([usdSession.amount_total, usdSession.currency]).toEqual([1999, 'usd']);
  });

  it('gives the session the merchant’s full 50 metadata keys: the gateway’s ref travels elsewhere', async () => {
    const metadata = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`key${i}`, `value ${i}`]));
    const created = await h.rest('POST', '/api/v1/payment', { body: paymentInput({ metadata }) });
    expect(created.status).toBe(201);
    const session = await h.stripe.checkout.sessions.retrieve(created.body.providerSessionId);
    expect(session.metadata).toEqual(metadata);
  });

  it('refuses a second payment for an order that already has an active one, naming the existing ref', async () => {
    const input = paymentInput();
    const first = await h.rest('POST', '/api/v1/payment', { body: input });
    const second = await h.rest('POST', '/api/v1/payment', { body: input });
    expect(second.status).toBe(409);
    expect(second.body.error).toMatchObject({ code: 'ORDER_CONFLICT', ref: first.body.ref });

    const viaGraphQL = await h.graphql(CREATE, { input });
    expect(viaGraphQL.errors?.[0].extensions).toMatchObject({ code: 'ORDER_CONFLICT', ref: first.body.ref });

    // Once expired, the order is free again.
    await h.rest('POST', `/api/v1/payment/expire?ref=${first.body.ref}`);
    const third = await h.rest('POST', '/api/v1/payment', { body: input });
    expect(third.status).toBe(201);
  });
});

describe('reading payments', () => {
  it('gives the same fields by ref over GraphQL and REST', async () => {
    const created = (await h.graphql(CREATE, { input: paymentInput() })).data.createPayment;
    const viaGraphQL = (await h.graphql(READ, { ref: created.ref })).data.payment;
    const viaRest = await h.rest('GET', `/api/v1/payment?ref=${created.ref}`);
    expect(viaRest.status).toBe(200);
    expect(viaRest.body).toEqual(viaGraphQL);
    expect(viaGraphQL).toEqual(created);
  });

  it('reads the history when a query asks for it, directly or through fragments, and only then', async () => {
    const created = (await h.graphql(CREATE, { input: paymentInput() })).data.createPayment;
    const history = [
      { from: null, to: 'PROCESSING' },
      { from: 'PROCESSING', to: 'PENDING' },
    ];
    const queries = [
      'query ($ref: ID!) { payment(ref: $ref) { status events { from to } } }',
      'query ($ref: ID!) { payment(ref: $ref) { status ...History } } fragment History on Payment { events { from to } }',
      'query ($ref: ID!) { payment(ref: $ref) { status ... on Payment { events { from to } } } }',
    ];
    for (const query of queries) {
      const { data, errors } = await h.graphql(query, { ref: created.ref });
      expect(errors).toBeUndefined();
      expect(data.payment).toEqual({ status: 'PENDING', events: history });
    }
    expect((await h.graphql('query ($ref: ID!) { payment(ref: $ref) { status } }', { ref: created.ref })).data.payment).toEqual({ status: 'PENDING' });
  });

  it('answers null over GraphQL and 404 over REST for an unknown ref', async () => {
    const unknown = 'pay_000000000000000000000000';
    expect((await h.graphql(READ, { ref: unknown })).data.payment).toBeNull();
    const rest = await h.rest('GET', `/api/v1/payment?ref=${unknown}`);
    expect(rest.status).toBe(404);
    expect(rest.body.error.code).toBe('PAYMENT_NOT_FOUND');
  });

  it('lists the merchant’s payments newest first, page by page, filtered by status and order', async () => {
    const merchant = await h.newMerchant();
    const refs: string[] = [];
    for (let i = 0; i < 5; i++) refs.push((await h.rest('POST', '/api/v1/payment', { body: paymentInput(), key: merchant.secretKey })).body.ref);
    await h.rest('POST', `/api/v1/payment/expire?ref=${refs[1]}`, { key: merchant.secretKey });

    const LIST = `query ($first: Int, $after: String, $status: PaymentStatus, $orderId: String) {
      payments(first: $first, after: $after, status: $status, orderId: $orderId) {
        edges { cursor node { ref status orderId } } pageInfo { hasNextPage endCursor } } }`;
    const page1 = (await h.graphql(LIST, { first: 2 }, merchant.secretKey)).data.payments;
    expect(page1.edges.map((e: any) => e.node.ref)).toEqual([refs[4], refs[3]]);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    const page2 = (await h.graphql(LIST, { first: 2, after: page1.pageInfo.endCursor }, merchant.secretKey)).data.payments;
    expect(page2.edges.map((e: any) => e.node.ref)).toEqual([refs[2], refs[1]]);
    const page3 = (await h.graphql(LIST, { first: 2, after: page2.pageInfo.endCursor }, merchant.secretKey)).data.payments;
    expect(page3.edges.map((e: any) => e.node.ref)).toEqual([refs[0]]);
    expect(page3.pageInfo.hasNextPage).toBe(false);

    const expired = (await h.graphql(LIST, { status: 'EXPIRED' }, merchant.secretKey)).data.payments;
    expect(expired.edges.map((e: any) => e.node.ref)).toEqual([refs[1]]);
    const byOrder = (await h.graphql(LIST, { orderId: page1.edges[0].node.orderId }, merchant.secretKey)).data.payments;
    expect(byOrder.edges.map((e: any) => e.node.ref)).toEqual([refs[4]]);

    for (const first of [0, 101, -1]) {
      const refused = await h.graphql(LIST, { first }, merchant.secretKey);
      expect(refused.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    }
    const badCursor = await h.graphql(LIST, { after: 'not-a-cursor' }, merchant.secretKey);
    expect(badCursor.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
  });
});

describe('expiring a payment', () => {
  it('expires the session at the emulator, answers EXPIRED, and a second expire returns it unchanged', async () => {
    const created = (await h.graphql(CREATE, { input: paymentInput() })).data.createPayment;
    const expired = await h.graphql(EXPIRE, { ref: created.ref });
    expect(expired.errors).toBeUndefined();
    expect(expired.data.expirePayment.status).toBe('EXPIRED');
    expect(expired.data.expirePayment.version).toBe(created.version + 1);
    expect(expired.data.expirePayment.events.at(-1)).toMatchObject({ from: 'PENDING', to: 'EXPIRED', source: 'API', applied: true });

    const session = await h.stripe.checkout.sessions.retrieve(created.providerSessionId);
    expect(session.status).toBe('expired');

    const again = await h.rest('POST', `/api/v1/payment/expire?ref=${created.ref}`);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(expired.data.expirePayment);
  });

  it('answers 404 for an unknown ref and 400 for a malformed one', async () => {
    expect((await h.rest('POST', '/api/v1/payment/expire?ref=pay_000000000000000000000000')).status).toBe(404);
    const malformed = await h.rest('POST', '/api/v1/payment/expire?ref=nope');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.details[0].field).toBe('ref');
  });
});

describe('health', () => {
  it('is live and ready while the database answers', async () => {
    expect((await h.rest('GET', '/healthz', { key: null })).status).toBe(200);
    const ready = await h.rest('GET', '/readyz', { key: null });
    expect(ready.status).toBe(200);
    expect(ready.body.database).toBe(true);
  });
});
