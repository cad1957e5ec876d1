/**
 * mapStripeError (src/providers/stripe/stripe-errors.ts): every error class of the `stripe` SDK
 * becomes one of the gateway's two provider errors, with a message safe to show a merchant.
 */
import Stripe from 'stripe';
import { ProviderError, ProviderUnavailableError } from '../../src/domain/errors';
import { mapStripeError } from '../../src/providers/stripe/stripe-errors';

type ErrorClass = new (raw: Record<string, unknown>) => Stripe.errors.StripeError;
const errors = Stripe.errors as unknown as Record<string, ErrorClass>;

/** Every error class the SDK exports (the generate* factories are not classes). */
const ALL_CLASSES = Object.keys(errors).filter((name) => !name.startsWith('generate'));

const SECRET_IN_STRIPE_TEXT = 'Invalid API Key provided: sk_test_****************************wxyz';
/** An error of the class as the SDK makes it (the signature error takes the header and payload first). */
function make(name: string, raw: Record<string, unknown> = {}): Stripe.errors.StripeError {
  const full = { message: `Stripe says: ${name}`, ...raw };
  if (name === 'StripeSignatureVerificationError') return new Stripe.errors.StripeSignatureVerificationError('t=1,v1=x', '{}', full);
  return new errors[name](full);
}

/** What each class means for the gateway, decided here from Stripe's documentation of each error, not read from the code. */
const TRANSIENT = ['StripeConnectionError', 'StripeAPIError', 'StripeRateLimitError'];
const CREDENTIALS = ['StripeAuthenticationError', 'StripePermissionError'];
const REPEATED_WITH_OTHER_PARAMETERS = ['StripeIdempotencyError'];

describe('mapStripeError', () => {
  it('knows the classes it is tested with: a new SDK class shows up here', () => {
    expect(ALL_CLASSES).toEqual(expect.arrayContaining([...TRANSIENT, ...CREDENTIALS, ...REPEATED_WITH_OTHER_PARAMETERS, 'StripeInvalidRequestError', 'StripeCardError']));
    expect(ALL_CLASSES.length).toBeGreaterThan(10);
    for (const name of ALL_CLASSES) expect([name, make(name) instanceof Stripe.errors.StripeError]).toEqual([name, true]);
  });

  it.each(TRANSIENT)('maps %s to PROVIDER_UNAVAILABLE with a generic text', (name) => {
    const mapped = mapStripeError(make(name));
    expect(mapped).toBeInstanceOf(ProviderUnavailableError);
    expect(mapped.message).toBe('The payment provider is unavailable; try again later');
  });

  it.each(ALL_CLASSES)('maps %s with a 5xx status, or a lock_timeout, to PROVIDER_UNAVAILABLE', (name) => {
    for (const statusCode of [500, 502, 503]) expect(mapStripeError(make(name, { statusCode }))).toBeInstanceOf(ProviderUnavailableError);
    expect(mapStripeError(make(name, { statusCode: 400, code: 'lock_timeout' }))).toBeInstanceOf(ProviderUnavailableError);
  });

  it.each(CREDENTIALS)("maps %s to PROVIDER_ERROR without Stripe's text, which may quote the key", (name) => {
    const mapped = mapStripeError(make(name, { message: SECRET_IN_STRIPE_TEXT, statusCode: name === 'StripeAuthenticationError' ? 401 : 403 }));
    expect(mapped).toBeInstanceOf(ProviderError);
    expect(mapped.message).toBe("The payment provider refused the gateway's credentials");
    expect(mapped.message).not.toContain('sk_');
  });

  it('maps an idempotency error to PROVIDER_ERROR with its own text', () => {
    const mapped = mapStripeError(make('StripeIdempotencyError', { statusCode: 400 }));
    expect(mapped).toBeInstanceOf(ProviderError);
    expect(mapped.message).toBe('The payment provider refused a repeated request with different parameters');
  });

  it.each(ALL_CLASSES.filter((name) => ![...TRANSIENT, ...CREDENTIALS, ...REPEATED_WITH_OTHER_PARAMETERS].includes(name)))(
    "maps %s with a 4xx status to PROVIDER_ERROR quoting Stripe's text (it describes the merchant's input)",
    (name) => {
      const mapped = mapStripeError(make(name, { statusCode: 400 }));
      expect(mapped).toBeInstanceOf(ProviderError);
      expect(mapped.message).toBe(`The payment provider refused the request: Stripe says: ${name}`);
    },
  );

  it('hands back errors that are not Stripe errors unchanged, and wraps what is not an Error', () => {
    const ours = new TypeError('a bug of ours');
    expect(mapStripeError(ours)).toBe(ours);
    const wrapped = mapStripeError('a string thrown');
    expect(wrapped).toBeInstanceOf(Error);
    expect(wrapped).not.toBeInstanceOf(ProviderError);
    expect(wrapped.message).toBe('a string thrown');
  });
});
