/**
 * Stripe's objects in the gateway's words (src/providers/stripe/stripe-mapping.ts): every checkout
 * session (status, payment_status) pair, every event type the gateway acts on, and how the amount
 * and currency of a session are read. The expectations come from Stripe's documentation of Checkout
 * Sessions and their events, written out here rather than read from the code.
 */
import type Stripe from 'stripe';
import { sessionState, toCheckoutSession, toProviderEvent } from '../../src/providers/stripe/stripe-mapping';

type Session = Stripe.Checkout.Session;
const session = (overrides: Record<string, unknown> = {}): Session =>
  ({
    id: 'cs_test_a1',
    object: 'checkout.session',
    url: 'https://checkout.example/cs_test_a1',
    client_reference_id: 'pay_AbCdEfGhIjKlMnOpQrStUvWx',
    status: 'complete',
    payment_status: 'paid',
    amount_total: 5700,
    currency: 'usd',
    ...overrides,
  }) as unknown as Session;
const event = (type: string, object: unknown = session()): Stripe.Event =>
  ({ id: 'evt_1', object: 'event', type, data: { object } }) as unknown as Stripe.Event;

describe('sessionState: every (status, payment_status) pair', () => {
  const expected: [string, string, string][] = [
    ['open', 'unpaid', 'open'],
    ['open', 'paid', 'open'],
    ['open', 'no_payment_required', 'open'],
    ['complete', 'paid', 'paid'],
    ['complete', 'no_payment_required', 'paid'],
    ['complete', 'unpaid', 'awaiting_payment'],
    ['expired', 'unpaid', 'expired'],
    ['expired', 'paid', 'expired'],
    ['expired', 'no_payment_required', 'expired'],
  ];
  it.each(expected)('status %s, payment_status %s: %s', (status, paymentStatus, state) => {
    expect(sessionState({ status, payment_status: paymentStatus } as Pick<Session, 'status' | 'payment_status'>)).toBe(state);
  });

  it.each([['canceled'], [null], [undefined], ['']])('throws on a status it does not know (%p), naming it, instead of guessing', (status) => {
    expect(() => sessionState({ status, payment_status: 'paid' } as unknown as Session)).toThrow(
      `Stripe returned a checkout session status this gateway does not know: ${String(status)}`,
    );
  });
});

describe('toProviderEvent: every event type', () => {
  it.each([
    ['checkout.session.completed', { payment_status: 'paid' }, 'paid'],
    ['checkout.session.completed', { payment_status: 'no_payment_required' }, 'paid'],
    ['checkout.session.completed', { payment_status: 'unpaid' }, 'awaiting_payment'],
    ['checkout.session.async_payment_succeeded', { payment_status: 'paid' }, 'paid'],
    ['checkout.session.async_payment_failed', { payment_status: 'unpaid' }, 'payment_failed'],
    ['checkout.session.expired', { status: 'expired', payment_status: 'unpaid' }, 'expired'],
  ])('%s with %p: %s, carrying the session', (type, fields, outcome) => {
    const mapped = toProviderEvent(event(type, session(fields)));
    expect(mapped).toEqual({
      id: 'evt_1',
      type,
      outcome,
      session: expect.objectContaining({ id: 'cs_test_a1', paymentRef: 'pay_AbCdEfGhIjKlMnOpQrStUvWx', amountTotal: 5700, currency: 'USD' }),
    });
  });

  it.each(['payment_intent.succeeded', 'charge.refunded', 'checkout.session.created', 'customer.created'])(
    '%s is unhandled, and its object is not read as a session',
    (type) => {
      expect(toProviderEvent(event(type, { id: { $ne: null }, amount_total: 'not read' }))).toEqual({ id: 'evt_1', type, outcome: 'unhandled', session: null });
    },
  );

  it('refuses a handled event whose session cannot be read', () => {
    expect(() => toProviderEvent(event('checkout.session.completed', session({ id: { $ne: null } })))).toThrow(/without a readable id/);
  });
});

describe('toCheckoutSession: the fields the gateway believes', () => {
  it('reads the id, url, reference, state, amount and currency (upper case)', () => {
    expect(toCheckoutSession(session())).toEqual({
      id: 'cs_test_a1',
      url: 'https://checkout.example/cs_test_a1',
      state: 'paid',
      paymentRef: 'pay_AbCdEfGhIjKlMnOpQrStUvWx',
      amountTotal: 5700,
      currency: 'USD',
    });
  });

  it('keeps an absent amount, currency, url or reference as null', () => {
    const read = toCheckoutSession(session({ amount_total: null, currency: null, url: null, client_reference_id: null }));
    expect(read).toMatchObject({ amountTotal: null, currency: null, url: null, paymentRef: null });
    const missing = toCheckoutSession(session({ amount_total: undefined, currency: undefined }));
    expect(missing).toMatchObject({ amountTotal: null, currency: null });
  });

  it('reads zero and the largest safe amounts exactly', () => {
    expect(toCheckoutSession(session({ amount_total: 0 })).amountTotal).toBe(0);
    expect(toCheckoutSession(session({ amount_total: 99_999_999, currency: 'jpy' }))).toMatchObject({ amountTotal: 99_999_999, currency: 'JPY' });
  });

  it.each([[12.5], ['5700'], [Number.MAX_SAFE_INTEGER + 2], [Number.NaN], [Infinity], [{ $gt: 0 }]])('refuses the amount %p', (amount_total) => {
    expect(() => toCheckoutSession(session({ amount_total }))).toThrow('Stripe sent a checkout session without a readable amount or currency');
  });

  it.each([[5], [['usd']], [{ toUpperCase: 'x' }]])('refuses the currency %p', (currency) => {
    expect(() => toCheckoutSession(session({ currency }))).toThrow('Stripe sent a checkout session without a readable amount or currency');
  });

  it.each([[{ id: 42 }], [{ id: { $ne: null } }], [{ id: undefined }], [{ client_reference_id: { $ne: null } }], [{ client_reference_id: 7 }]])(
    'refuses a session whose id or reference is not a string (%p): it must never reach a query',
    (fields) => {
      expect(() => toCheckoutSession(session(fields))).toThrow('Stripe sent a checkout session without a readable id');
    },
  );

  it('refuses a missing session object', () => {
    expect(() => toCheckoutSession(null as unknown as Session)).toThrow(/without a readable id/);
  });
});
