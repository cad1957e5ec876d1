/**
 * The validators generated from the zod schemas (src/services/validation) against the hand-written
 * readers they replaced, kept as an oracle in test/unit/validation-oracle: on the same inputs both
 * accept the same values (normalised alike) or refuse them with the same problems (same fields,
 * same messages, same order). Inputs: fixed edge cases, and fast-check generators of hostile inputs
 * (the fuzz suite's mutations of a valid payment, stacked, and arbitrary JSON in every place).
 * The seed is printed (`fuzz seed: N`); FUZZ_SEED=N replays one, FUZZ_RUNS=K sets the runs.
 */
import fc from 'fast-check';
import * as current from '../../src/services/validation/validators';
import * as oracle from '../../src/services/validation';
import { fuzzSeeds, hostileString, jsonText, keyText, numRuns } from '../fuzz/fuzz-support';
import { applyMutation, mutationArb, type Mutation } from '../fuzz/payment-mutations';
import { paymentInput } from '../support/payment-input';

type Outcome = { accepted: unknown } | { refused: unknown } | { threw: string };

function outcome(run: () => unknown): Outcome {
  try {
    return { accepted: run() };
  } catch (error) {
    const e = error as { code?: string; details?: unknown };
    return e.code === 'BAD_USER_INPUT' ? { refused: e.details } : { threw: String(error) };
  }
}

type Validator = 'validateCreatePaymentInput' | 'validatePageArgs' | 'validatePaymentRef' | 'validateIdempotencyKey';

/** The two outcomes for one input (neither validator alters its input); a crash is a failure. */
function agree(validator: Validator, input: unknown): void {
  const before = outcome(() => (oracle[validator] as (x: unknown) => unknown)(input));
  const after = outcome(() => (current[validator] as (x: unknown) => unknown)(input));
  expect({ input, after }).toEqual({ input, after: before });
  expect(after).not.toHaveProperty('threw');
}

const base = (overrides: Record<string, unknown> = {}) => ({ ...paymentInput(), orderId: 'order-42', ...overrides });
const line = (overrides: Record<string, unknown> = {}) => ({ name: 'Mug', unitAmount: 1000, quantity: 1, ...overrides });

const FIXED_CREATE_INPUTS: unknown[] = [
  base(),
  null,
  undefined,
  'a string',
  [base()],
  42,
  {},
  base({ orderid: 'x', zz: 1, constructor: 1 }),
  base({ lineItems: [line({ name: '', unitAmount: 10.5, quantity: 0, price: 1 }), 'x', null] }),
  base({ currency: 'isk', lineItems: [line({ unitAmount: 50_050 }), line({ name: '\n', unitAmount: 50 })], successUrl: 'ftp://x', expiresInMinutes: 5 }),
  base({ currency: 'KWD', lineItems: [line({ unitAmount: 1015, price: 2 })] }),
  base({ currency: 'usd', lineItems: [line({ unitAmount: 49 })], cancelUrl: 'https://a b' }),
  base({ lineItems: [line({ unitAmount: 99_999_999, quantity: 2 })] }),
  base({ lineItems: Array(101).fill('not a line') }),
  base({ lineItems: [] }),
  base({ lineItems: [, line()] }), // a hole
  base({ metadata: Object.fromEntries(Array.from({ length: 52 }, (_, i) => [`k${i}`, i === 3 ? 4 : 'v'])) }),
  base({ metadata: { '': 'v', 'a[b]': 'x', n: 3, ['k'.repeat(41)]: 'v', tab: 'a\u0000', bad: '\ud800', 'a\tb': 'v' } }),
  base({ metadata: JSON.parse('{"__proto__": "v", "prototype": "w"}') }),
  base({ metadata: [] }),
  base({ customerEmail: 'x@y', expiresInMinutes: '60' }),
  base({ customerEmail: `${'a'.repeat(65)}@example.com`, expiresInMinutes: 2 ** 60 }),
  base({ orderId: '🛒'.repeat(128), currency: 'uSd' }),
  base({ orderId: 'x'.repeat(200_000), currency: 'XXX' }),
  base({ successUrl: 'https:shop.example', cancelUrl: 'https://user:pw@shop.example/' }),
  base({ successUrl: `https://shop.example/${'é'.repeat(1700)}` }),
  base({ currency: 840, lineItems: [line({ unitAmount: '1000' })] }),
  base({ currency: null, lineItems: null, successUrl: undefined, orderId: Infinity }),
  { ...Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`unknown${i}`, i])) },
];

const PAGE_ARGS: unknown[] = [
  undefined,
  null,
  {},
  { first: 0, last: 'x' },
  { first: 5, after: '' },
  { last: 3, before: 'a b' },
  { after: 5, before: 'x'.repeat(201) },
  { first: 100, last: null, status: 'PENDING', orderId: 'o' },
  { first: 1.5 },
  { last: 101 },
];

const REFS: unknown[] = ['pay_' + 'a'.repeat(24), 'pay_' + 'a'.repeat(36), 'pay_' + 'a'.repeat(37), 'x', '', 5, null, undefined, ['pay_x'], {}];
const IDEMPOTENCY_KEYS: unknown[] = ['k', '', ' ', 'é', 'x'.repeat(255), 'x'.repeat(256), ['a', 'b'], undefined, null, 7, 'a\tb'];

describe('the zod validators and the hand-written readers they replaced', () => {
  it.each(FIXED_CREATE_INPUTS.map((input, index) => [index, input]))('agree on createPayment input #%s', (_index, input) => agree('validateCreatePaymentInput', input));
  it.each(PAGE_ARGS.map((input) => [JSON.stringify(input) ?? 'undefined', input]))('agree on page args %s', (_name, input) => agree('validatePageArgs', input));
  it.each(REFS.map((input) => [JSON.stringify(input) ?? 'undefined', input]))('agree on ref %s', (_name, input) => agree('validatePaymentRef', input));
  it.each(IDEMPOTENCY_KEYS.map((input) => [String(input).slice(0, 20), input]))('agree on Idempotency-Key %s', (_name, input) => agree('validateIdempotencyKey', input));

  const anyJson = jsonText({ maxDepth: 3 }).map((text) => JSON.parse(text) as unknown);
  /** A value for one key: JSON-ish most of the time, typed values near the limits otherwise. */
  const anyValue = fc.oneof(anyJson, hostileString(), fc.integer({ min: -2, max: 1500 }), fc.double(), fc.constantFrom(null, undefined, '', 2 ** 53, -0));

  for (const seed of fuzzSeeds('validation-equivalence.test.ts')) {
    const params = { seed: seed.seed, numRuns: numRuns(400), verbose: 0 as const };

    it(`agree on stacked mutations of a valid payment (${seed.label})`, () => {
      fc.assert(
        fc.property(fc.array(mutationArb, { minLength: 1, maxLength: 5 }), (mutations: Mutation[]) => {
          let input: Record<string, unknown> = base();
          for (const mutation of mutations) input = applyMutation(input, mutation).parsed;
          agree('validateCreatePaymentInput', input);
        }),
        params,
      );
    });

    it(`agree on arbitrary values in every place of the input (${seed.label})`, () => {
      const place = fc.constantFrom<(string | number)[]>([], ['lineItems'], ['lineItems', 0], ['lineItems', 1], ['metadata'], ['currency'], ['lineItems', 0, 'unitAmount']);
      fc.assert(
        fc.property(place, anyValue, keyText(), fc.boolean(), (path, value, key, useKey) => {
          let input: unknown = base();
          if (path.length === 0) input = useKey ? { ...base(), [key]: value } : value;
          else {
            let parent = input as Record<string | number, unknown>;
            for (const step of path.slice(0, -1)) parent = parent[step] as Record<string | number, unknown>;
            parent[path[path.length - 1]] = useKey && typeof value === 'object' && value !== null ? { ...value, [key]: value } : value;
          }
          agree('validateCreatePaymentInput', input);
        }),
        params,
      );
    });

    it(`agree on arbitrary page args, refs and Idempotency-Keys (${seed.label})`, () => {
      const pageArg = fc.oneof(fc.integer({ min: -2, max: 102 }), anyValue);
      fc.assert(
        fc.property(fc.record({ first: pageArg, last: pageArg, after: anyValue, before: anyValue }, { requiredKeys: [] }), anyValue, (args, other) => {
          agree('validatePageArgs', args);
          agree('validatePaymentRef', other);
          agree('validatePaymentRef', typeof other === 'string' ? `pay_${other}` : other);
          agree('validateIdempotencyKey', other);
        }),
        params,
      );
    });
  }
});
