import Stripe from 'stripe';
import { RunningEmulator, lineItems, nowSeconds, rawPost, sessionParams, startEmulator } from './emulator-test-kit';

let em: RunningEmulator;
let stripe: Stripe;

beforeAll(async () => {
  em = await startEmulator();
  stripe = em.stripe();
});
afterAll(() => em.emulator.close());

type Params = Stripe.Checkout.SessionCreateParams;
const item = (priceData: Record<string, unknown>, quantity: unknown = 1) =>
  ({ price_data: { currency: 'usd', unit_amount: 1000, product_data: { name: 'Thing' }, ...priceData }, quantity }) as Stripe.Checkout.SessionCreateParams.LineItem;
const longText = (n: number) => 'x'.repeat(n);
const manyKeys = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 'v']));

// Each case breaks one rule of Stripe's and names the param Stripe blames.
const refused: Array<[string, Partial<Params>, string]> = [
  ['no mode', { mode: undefined }, 'mode'],
  ['a mode the emulator does not implement', { mode: 'subscription' }, 'mode'],
  ['no line items', { line_items: undefined }, 'line_items'],
  ['101 line items', { line_items: lineItems(101) }, 'line_items'],
  ['a line item without price_data', { line_items: [{ quantity: 1 }] }, 'line_items[0]'],
  ['an unknown price id', { line_items: [{ price: 'price_nope', quantity: 1 }] }, 'line_items[0][price]'],
  ['no currency', { line_items: [item({ currency: undefined })] }, 'line_items[0][price_data][currency]'],
  ['an unsupported currency', { line_items: [item({ currency: 'xyz' })] }, 'line_items[0][price_data][currency]'],
  ['two currencies', { line_items: [item({}), item({ currency: 'eur' })] }, 'line_items[1][price_data][currency]'],
  ['a negative unit_amount', { line_items: [item({ unit_amount: -1 })] }, 'line_items[0][price_data][unit_amount]'],
  ['a fractional unit_amount', { line_items: [item({ unit_amount: 10.5 })] }, 'line_items[0][price_data][unit_amount]'],
  ['no product_data', { line_items: [item({ product_data: undefined })] }, 'line_items[0][price_data][product_data]'],
  ['an empty product name', { line_items: [item({ product_data: { name: '', description: 'd' } })] }, 'line_items[0][price_data][product_data][name]'],
  ['quantity 0', { line_items: [item({}, 0)] }, 'line_items[0][quantity]'],
  ['no quantity', { line_items: [{ ...item({}), quantity: undefined }] }, 'line_items[0][quantity]'],
  ['quantity above Stripe maximum', { line_items: [item({}, 1_000_000)] }, 'line_items[0][quantity]'],
  ['a total under USD 0.50', { line_items: [item({ unit_amount: 49 })] }, 'line_items'],
  ['a total under ¥50', { line_items: [item({ currency: 'jpy', unit_amount: 49 })] }, 'line_items'],
  ['a total above 99 999 999', { line_items: [item({ unit_amount: 50_000_000 }, 2)] }, 'line_items'],
  ['no success_url', { success_url: undefined }, 'success_url'],
  ['an invalid success_url', { success_url: 'not a url' }, 'success_url'],
  ['a non-http cancel_url', { cancel_url: 'javascript:alert(1)' }, 'cancel_url'],
  ['expires_at 29 minutes ahead', { expires_at: nowSeconds() + 29 * 60 }, 'expires_at'],
  ['expires_at 25 hours ahead', { expires_at: nowSeconds() + 25 * 60 * 60 }, 'expires_at'],
  ['51 metadata keys', { metadata: manyKeys(51) }, 'metadata'],
  ['a 41-character metadata key', { metadata: { [longText(41)]: 'v' } }, `metadata[${longText(41)}]`],
  ['a 501-character metadata value', { metadata: { k: longText(501) } }, 'metadata[k]'],
  ['51 payment_intent_data metadata keys', { payment_intent_data: { metadata: manyKeys(51) } }, 'payment_intent_data[metadata]'],
  ['a 501-character payment_intent_data metadata value', { payment_intent_data: { metadata: { ref: longText(501) } } }, 'payment_intent_data[metadata][ref]'],
  ['a 201-character client_reference_id', { client_reference_id: longText(201) }, 'client_reference_id'],
  ['an invalid customer_email', { customer_email: 'not-an-email' }, 'customer_email'],
  ['an unknown parameter', { no_such_param: 'x' } as Partial<Params>, 'no_such_param'],
];

describe('parameter validation, as Stripe refuses', () => {
  it.each(refused)('refuses %s', async (_name, overrides, param) => {
    const params = { ...sessionParams(), ...overrides } as Params;
    const error = await stripe.checkout.sessions.create(params).catch((e) => e);
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(error.statusCode).toBe(400);
    expect(error.param).toBe(param);
    expect(error.message).toEqual(expect.any(String));
  });

  it('names amount_too_small with the minimum in the currency', async () => {
    const error = await stripe.checkout.sessions
      .create(sessionParams({ line_items: [item({ currency: 'jpy', unit_amount: 49 })] }))
      .catch((e) => e);
    expect(error.code).toBe('amount_too_small');
    expect(error.message).toBe("The Checkout Session's total amount due must add up to at least ¥50 jpy");
  });

  it('accepts the limits themselves: 50 cents, 99 999 999, 50 metadata keys of 40/500 characters, 30 min and 24 h', async () => {
    const accepted: Array<Partial<Params>> = [
      { line_items: [item({ unit_amount: 50 })] },
      { line_items: [item({ currency: 'jpy', unit_amount: 50 })] },
      { line_items: [item({ unit_amount: 99_999_999 })] },
      { metadata: { ...manyKeys(49), [longText(40)]: longText(500) } },
      { payment_intent_data: { metadata: manyKeys(50) } },
      { expires_at: nowSeconds() + 30 * 60 - 2 },
      { expires_at: nowSeconds() + 24 * 60 * 60 },
      { client_reference_id: longText(200), customer_email: 'a.b+c@shop.example' },
    ];
    for (const overrides of accepted) {
      await expect(stripe.checkout.sessions.create(sessionParams(overrides))).resolves.toMatchObject({ status: 'open' });
    }
  });

  it('parses 100 line items sent as raw form fields (index 99) as a list', async () => {
    const fields: string[] = ['mode=payment', 'success_url=https%3A%2F%2Fm.example%2Fok'];
    for (let i = 0; i < 100; i++) {
      fields.push(
        `line_items[${i}][price_data][currency]=usd`,
        `line_items[${i}][price_data][unit_amount]=100`,
        `line_items[${i}][price_data][product_data][name]=Item+${i}`,
        `line_items[${i}][quantity]=1`,
      );
    }
    const res = await rawPost(em.url, '/v1/checkout/sessions', fields.join('&'));
    expect(res.status).toBe(200);
    expect(res.json.amount_total).toBe(10000);
  });

  it('answers errors in Stripe JSON shape', async () => {
    const res = await rawPost(em.url, '/v1/checkout/sessions', 'mode=payment');
    expect(res.status).toBe(400);
    expect(res.json).toEqual({
      error: {
        type: 'invalid_request_error',
        message: 'Missing required param: line_items.',
        param: 'line_items',
        code: 'parameter_missing',
        doc_url: 'https://stripe.com/docs/error-codes/parameter-missing',
      },
    });
  });
});
