import Stripe from 'stripe';
import { API_KEY, RunningEmulator, sessionParams, startEmulator, waitFor } from './emulator-test-kit';

let em: RunningEmulator;
let stripe: Stripe;

beforeAll(async () => {
  em = await startEmulator({ apiKey: API_KEY });
  stripe = em.stripe();
});
afterAll(() => em.emulator.close());

const complete = (id: string, payment_behavior = 'paid') =>
  stripe.rawRequest('POST', `/v1/test_helpers/checkout/sessions/${id}/complete`, { payment_behavior });

const sessionCount = async (): Promise<number> => {
  let count = 0;
  for await (const _ of stripe.checkout.sessions.list({ limit: 100 })) count++;
  return count;
};

describe('expand[] on checkout sessions', () => {
  it('leaves payment_intent null on an unpaid session, expanded or not', async () => {
    const session = await stripe.checkout.sessions.create({ ...sessionParams(), expand: ['payment_intent'] });
    expect(session.payment_intent).toBeNull();
    expect((await stripe.checkout.sessions.retrieve(session.id, { expand: ['payment_intent'] })).payment_intent).toBeNull();
  });

  it('expands payment_intent of a paid session into its succeeded PaymentIntent, also readable by id', async () => {
    const session = await stripe.checkout.sessions.create(sessionParams());
    await complete(session.id);

    const plain = await stripe.checkout.sessions.retrieve(session.id);
    expect(plain.payment_intent).toMatch(/^pi_/);

    const expanded = await stripe.checkout.sessions.retrieve(session.id, { expand: ['payment_intent'] });
    const intent = expanded.payment_intent as Stripe.PaymentIntent;
    expect(intent).toMatchObject({
      id: plain.payment_intent,
      object: 'payment_intent',
      amount: 3000,
      amount_received: 3000,
      currency: 'usd',
      status: 'succeeded',
      metadata: { gateway_ref: 'pay_123' },
      latest_charge: null,
    });
    expect(await stripe.paymentIntents.retrieve(intent.id)).toMatchObject({ id: intent.id, status: 'succeeded', amount: 3000 });

    // The stored session keeps the id: a later plain read and the list filter still see an id.
    expect((await stripe.checkout.sessions.retrieve(session.id)).payment_intent).toBe(intent.id);
    const listed = await stripe.checkout.sessions.list({ payment_intent: intent.id, expand: ['data.payment_intent'] });
    expect(listed.data.map((s) => (s.payment_intent as Stripe.PaymentIntent).status)).toEqual(['succeeded']);
  });

  it('gives a bank debit a processing PaymentIntent that succeeds when the debit settles', async () => {
    const session = await stripe.checkout.sessions.create(sessionParams());
    await complete(session.id, 'async_succeeded');
    const id = (await stripe.checkout.sessions.retrieve(session.id)).payment_intent as string;
    expect((await stripe.paymentIntents.retrieve(id)).status).toBe('processing');
    await waitFor(async () => (await stripe.paymentIntents.retrieve(id)).status === 'succeeded');
  });

  it('answers 404 resource_missing for an unknown PaymentIntent', async () => {
    const error = await stripe.paymentIntents.retrieve('pi_nope').catch((e) => e);
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(error).toMatchObject({ statusCode: 404, code: 'resource_missing', param: 'id' });
  });

  it('expands the line items\' prices into their Products, on the list and through the session', async () => {
    const session = await stripe.checkout.sessions.create(sessionParams());
    const plain = await stripe.checkout.sessions.listLineItems(session.id);
    expect(plain.data[0]!.price!.product).toMatch(/^prod_/);

    const items = await stripe.checkout.sessions.listLineItems(session.id, { expand: ['data.price.product'] });
    expect(items.data.map((li) => li.price!.product)).toEqual([
      expect.objectContaining({ object: 'product', id: plain.data[0]!.price!.product, name: 'T-shirt' }),
      expect.objectContaining({ object: 'product', name: 'Socks' }),
    ]);

    const viaSession = await stripe.checkout.sessions.retrieve(session.id, { expand: ['line_items.data.price.product'] });
    expect((viaSession.line_items!.data[1]!.price!.product as Stripe.Product).name).toBe('Socks');
  });

  type Call = (expand: string[]) => Promise<unknown>;
  it.each<[string, () => Promise<Call>, string]>([
    ['on create', async () => (expand) => stripe.checkout.sessions.create({ ...sessionParams(), expand }), 'xyz'],
    ['on retrieve', async () => { const { id } = await anySession(); return (expand) => stripe.checkout.sessions.retrieve(id, { expand }); }, 'xyz'],
    ['in a nested path', async () => { const { id } = await anySession(); return (expand) => stripe.checkout.sessions.retrieve(id, { expand }); }, 'payment_intent.bogus'],
    ['on line items', async () => { const { id } = await anySession(); return (expand) => stripe.checkout.sessions.listLineItems(id, { expand }); }, 'data.price.bogus'],
    ['on a PaymentIntent', async () => { const id = await paidIntentId(); return (expand) => stripe.paymentIntents.retrieve(id, { expand }); }, 'xyz'],
  ])('refuses an unknown expand path %s with 400 naming expand[0], and creates nothing', async (_where, prepare, path) => {
    const call = await prepare();
    const before = await sessionCount();
    const error = await call([path]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(error).toMatchObject({ statusCode: 400, param: 'expand[0]', message: `This property cannot be expanded (${path.split('.').pop()}).` });
    expect(await sessionCount()).toBe(before);
  });

  it('names the index of the refused path among several', async () => {
    const error = await stripe.checkout.sessions.retrieve((await anySession()).id, { expand: ['line_items', 'nope'] }).catch((e) => e);
    expect(error).toMatchObject({ statusCode: 400, param: 'expand[1]' });
  });
});

let shared: Stripe.Checkout.Session | null = null;
async function anySession(): Promise<Stripe.Checkout.Session> {
  shared ??= await stripe.checkout.sessions.create(sessionParams());
  return shared;
}

async function paidIntentId(): Promise<string> {
  const session = await stripe.checkout.sessions.create(sessionParams());
  await complete(session.id);
  return (await stripe.checkout.sessions.retrieve(session.id)).payment_intent as string;
}
