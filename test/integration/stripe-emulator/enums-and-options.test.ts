import Stripe from 'stripe';
import { KnownValues, LOCALES, SUBMIT_TYPES, listsEvery } from '../../../src/stripe-emulator/stripe-enums';
import { API_KEY, RunningEmulator, rawPost, sessionParams, startEmulator } from './emulator-test-kit';

type CreateParams = Stripe.Checkout.SessionCreateParams;

let em: RunningEmulator;
let stripe: Stripe;

beforeAll(async () => {
  em = await startEmulator({ apiKey: API_KEY });
  stripe = em.stripe();
});
afterAll(() => em.emulator.close());

const sessionCount = async (): Promise<number> => {
  let count = 0;
  for await (const _ of stripe.checkout.sessions.list({ limit: 100 })) count++;
  return count;
};

/** What Stripe's API takes but this SDK's types would not let a test write. */
const unchecked = (extra: Record<string, unknown>): CreateParams => ({ ...sessionParams(), ...extra }) as CreateParams;

describe('enum parameters are checked against the values Stripe accepts', () => {
  it.each([
    ['locale', { locale: 'xx-bogus' }, 'locale', /^Invalid locale: must be one of auto, bg, cs, .*zh-TW$/],
    ['submit_type', { submit_type: 'bogus' }, 'submit_type', /^Invalid submit_type: must be one of auto, book, donate, pay, or subscribe$/],
    ['payment_method_types', { payment_method_types: ['card', 'bogus'] }, 'payment_method_types[1]', /^Invalid payment_method_types\[1\]: must be one of acss_debit, .*card/],
    ['allowed_payment_method_types', { allowed_payment_method_types: ['bogus'] }, 'allowed_payment_method_types[0]', /must be one of/],
    ['excluded_payment_method_types', { excluded_payment_method_types: ['link'] }, 'excluded_payment_method_types[0]', /must be one of/],
    ['billing_address_collection', { billing_address_collection: 'always' }, 'billing_address_collection', /must be one of auto, or required/],
    ['customer_creation', { customer_creation: 'never' }, 'customer_creation', /must be one of always, or if_required/],
    ['payment_method_collection', { payment_method_collection: 'sometimes' }, 'payment_method_collection', /must be one of/],
    ['mode', { mode: 'bogus' }, 'mode', /^Invalid mode: must be one of payment, setup, or subscription$/],
    ['allow_promotion_codes (a boolean)', { allow_promotion_codes: 'yes' }, 'allow_promotion_codes', /^Invalid boolean: yes$/],
  ])('refuses a bogus %s with 400 naming the parameter, and creates nothing', async (_name, extra, param, message) => {
    const before = await sessionCount();
    const error = await stripe.checkout.sessions.create(unchecked(extra)).catch((e) => e);
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(error).toMatchObject({ statusCode: 400, type: 'StripeInvalidRequestError', param });
    expect(error.rawType).toBe('invalid_request_error');
    expect(error.message).toMatch(message);
    expect(await sessionCount()).toBe(before);
  });

  it('names the offending index of a list sent on the wire', async () => {
    const body = new URLSearchParams({
      mode: 'payment',
      'line_items[0][price_data][currency]': 'usd',
      'line_items[0][price_data][unit_amount]': '500',
      'line_items[0][price_data][product_data][name]': 'Tea',
      'line_items[0][quantity]': '1',
      success_url: 'https://merchant.example/ok',
      'payment_method_types[0]': 'bogus',
    }).toString();
    const { status, json } = await rawPost(em.url, '/v1/checkout/sessions', body);
    expect(status).toBe(400);
    expect(json.error).toMatchObject({ type: 'invalid_request_error', param: 'payment_method_types[0]' });
  });

  it.each(['auto', 'fr', 'en-GB', 'es-419', 'zh-TW'] as const)('accepts locale %s and echoes it', async (locale) => {
    const session = await stripe.checkout.sessions.create(sessionParams({ locale }));
    expect(session.locale).toBe(locale);
    expect((await stripe.checkout.sessions.retrieve(session.id)).locale).toBe(locale);
  });

  it('echoes submit_type, allow_promotion_codes and the other options it accepts', async () => {
    const session = await stripe.checkout.sessions.create(
      unchecked({
        submit_type: 'donate',
        allow_promotion_codes: true,
        billing_address_collection: 'required',
        customer_creation: 'always',
        payment_method_collection: 'always',
        payment_method_types: ['card', 'sepa_debit'],
        allowed_payment_method_types: ['card'],
      }),
    );
    expect(session).toMatchObject({
      submit_type: 'donate',
      allow_promotion_codes: true,
      billing_address_collection: 'required',
      customer_creation: 'always',
      payment_method_collection: 'always',
      payment_method_types: ['card', 'sepa_debit'],
      allowed_payment_method_types: ['card'],
    });
    const off = await stripe.checkout.sessions.create(sessionParams({ allow_promotion_codes: false }));
    expect(off.allow_promotion_codes).toBe(false);
  });

  it('leaves options not given at the values Stripe shows when they are unused', async () => {
    const session = await stripe.checkout.sessions.create(sessionParams());
    expect(session).toMatchObject({
      locale: null,
      submit_type: null,
      allow_promotion_codes: null,
      billing_address_collection: null,
      payment_method_types: ['card'],
    });
  });

  it('keeps the lists in step with the SDK: a list missing a value of the union does not compile', () => {
    // @ts-expect-error 'subscribe' is missing, so the compiler refuses the list (checked by the type-check step)
    const incomplete = listsEvery<KnownValues<CreateParams.SubmitType>>()(['auto', 'book', 'donate', 'pay']);
    expect(incomplete).toHaveLength(4);
    expect(SUBMIT_TYPES).toEqual(['auto', 'book', 'donate', 'pay', 'subscribe']);
    expect(LOCALES).toContain('en-GB');
  });
});
