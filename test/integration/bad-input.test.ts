import { startHarness, paymentInput, type Harness } from '../support/gateway-harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const item = (overrides: Record<string, unknown> = {}) => ({ name: 'Thing', unitAmount: 1000, quantity: 1, ...overrides });
const items = (count: number) => Array.from({ length: count }, () => item());

/** [what, input overrides, the field the error must name] */
const CASES: [string, Record<string, unknown>, string][] = [
  ['a negative unitAmount', { lineItems: [item({ unitAmount: -100 })] }, 'lineItems.0.unitAmount'],
  ['a zero unitAmount', { lineItems: [item({ unitAmount: 0 })] }, 'lineItems.0.unitAmount'],
  ['a total over the maximum', { lineItems: [item({ unitAmount: 99_999_999 }), item({ unitAmount: 1 })] }, 'lineItems'],
  ['a total below the currency minimum', { lineItems: [item({ unitAmount: 49 })] }, 'lineItems'],
  ['a JPY total below ¥50', { currency: 'jpy', lineItems: [item({ unitAmount: 49 })] }, 'lineItems'],
  ['an unknown currency', { currency: 'XYZ' }, 'currency'],
  ['a non-http(s) successUrl', { successUrl: 'javascript:alert(1)' }, 'successUrl'],
  ['an ftp cancelUrl', { cancelUrl: 'ftp://shop.example/cart' }, 'cancelUrl'],
  ['no line items', { lineItems: [] }, 'lineItems'],
  ['101 line items', { lineItems: items(101) }, 'lineItems'],
  ['quantity 0', { lineItems: [item({ quantity: 0 })] }, 'lineItems.0.quantity'],
  ['quantity 1000', { lineItems: [item({ quantity: 1000 })] }, 'lineItems.0.quantity'],
  ['expiresInMinutes 29', { expiresInMinutes: 29 }, 'expiresInMinutes'],
  ['expiresInMinutes 1441', { expiresInMinutes: 1441 }, 'expiresInMinutes'],
  ['51 metadata keys', { metadata: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'])) }, 'metadata'],
  ['a 41-character metadata key', { metadata: { ['k'.repeat(41)]: 'v' } }, `metadata.${'k'.repeat(41)}`],
  ['a 501-character metadata value', { metadata: { note: 'v'.repeat(501) } }, 'metadata.note'],
  ['an empty orderId', { orderId: '' }, 'orderId'],
  ['a 129-character orderId', { orderId: 'o'.repeat(129) }, 'orderId'],
];

describe.each(CASES)('creating a payment with %s', (_what, overrides, field) => {
  it(`is 400 BAD_USER_INPUT naming ${field} on REST, and BAD_USER_INPUT on GraphQL`, async () => {
    const rest = await h.rest('POST', '/api/v1/payment', { body: paymentInput(overrides) });
    expect(rest.status).toBe(400);
    expect(rest.body.error.code).toBe('BAD_USER_INPUT');
    expect(rest.body.error.details.map((d: { field: string }) => d.field)).toContain(field);

    const graphql = await h.graphql('mutation ($input: CreatePaymentInput!) { createPayment(input: $input) { ref } }', {
      input: paymentInput(overrides),
    });
    expect(graphql.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(graphql.errors?.[0].extensions.details.map((d: { field: string }) => d.field)).toContain(field);
  });
});

describe('malformed requests', () => {
  it('a malformed JSON body is 400 BAD_USER_INPUT, not a 500', async () => {
    const rest = await h.rest('POST', '/api/v1/payment', { rawBody: '{"orderId": "x", ' });
    expect(rest.status).toBe(400);
    expect(rest.body.error.code).toBe('BAD_USER_INPUT');
  });

  it.each([
    ['null', 'null'],
    ['an array', '[]'],
    ['a string', '"payment"'],
  ])('a body that is %s is 400 BAD_USER_INPUT', async (_what, rawBody) => {
    const rest = await h.rest('POST', '/api/v1/payment', { rawBody });
    expect(rest.status).toBe(400);
    expect(rest.body.error.code).toBe('BAD_USER_INPUT');
  });

  it('a misspelt field is named, not silently ignored', async () => {
    const body = paymentInput();
    body.lineitems = body.lineItems;
    delete body.lineItems;
    const rest = await h.rest('POST', '/api/v1/payment', { body });
    expect(rest.status).toBe(400);
    expect(rest.body.error.details.map((d: { field: string }) => d.field)).toEqual(expect.arrayContaining(['lineitems', 'lineItems']));
  });

  it('a GraphQL variable of the wrong type is BAD_USER_INPUT', async () => {
    const result = await h.graphql('mutation ($input: CreatePaymentInput!) { createPayment(input: $input) { ref } }', {
      input: paymentInput({ lineItems: [{ name: 'x', unitAmount: 'ten', quantity: 1 }] }),
    });
    expect(result.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it('a rejected request leaves nothing behind', async () => {
    const orderId = `rejected-${Date.now()}`;
    await h.rest('POST', '/api/v1/payment', { body: paymentInput({ orderId, currency: 'XYZ' }) });
    const list = await h.graphql('query ($orderId: String) { payments(orderId: $orderId) { edges { node { ref } } } }', { orderId });
    expect(list.data.payments.edges).toEqual([]);
  });
});
