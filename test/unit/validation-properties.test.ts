/**
 * Properties of the validators (src/services/validation) on generated hostile inputs: the fuzz suite's
 * mutations of a valid payment, stacked, and arbitrary JSON in every place. Each input is either
 * accepted, normalised so that validating the result again changes nothing and the published OpenAPI
 * schema accepts it too (the document is never stricter than the code), or refused with a
 * BAD_USER_INPUT whose problems each name a field the input has or the schema declares; never another
 * error. The seed is printed (`fuzz seed: N`); FUZZ_SEED=N replays one, FUZZ_RUNS=K sets the runs.
 *
 * Until the zod schemas replaced the hand-written readers, this file ran both over the same inputs and
 * found them agreeing on every one (same accept/refuse, fields, messages, order): see its history.
 */
import fc from 'fast-check';
import * as validation from '../../src/services/validation';
import { buildOpenApiDocument } from '../../src/rest/openapi';
import { fuzzSeeds, hostileString, jsonText, keyText, numRuns } from '../fuzz/fuzz-support';
import { applyMutation, mutationArb, type Mutation } from '../fuzz/payment-mutations';
import { ajvFor, compileAt } from '../support/openapi-check';
import { paymentInput } from '../support/payment-input';
import { displayKey } from '../../src/services/validation/problem-list';

const openApiAccepts = compileAt(ajvFor(buildOpenApiDocument()), '#/components/schemas/CreatePaymentInput');
const KNOWN_FIELDS = new Set(['input', ...Object.keys(validation.CREATE_PAYMENT_INPUT_FIELDS), 'first', 'last', 'after', 'before', 'ref', 'Idempotency-Key']);

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

/** The properties every outcome must have (see the file's comment). */
function holds(validator: Validator, input: unknown): void {
  const validate = validation[validator] as (x: unknown) => unknown;
  const result = outcome(() => validate(input));
  expect(result).not.toHaveProperty('threw');
  if ('refused' in result) {
    const details = result.refused as { field: string; message: string }[];
    expect(details.length).toBeGreaterThan(0);
    expect(details.length).toBeLessThanOrEqual(validation.LIMITS.maxReportedProblems + 1);
    for (const { field, message } of details) {
      expect(message).toMatch(/\S/);
      const top = field.split('.')[0];
      const present = input !== null && typeof input === 'object' && Object.keys(input).map(displayKey).some((key) => field === key || field.startsWith(`${key}.`));
      expect({ field, known: KNOWN_FIELDS.has(top) || present }).toEqual({ field, known: true });
    }
  }
  if ('accepted' in result && validator === 'validateCreatePaymentInput') {
    const { amount, ...normalised } = result.accepted as Record<string, unknown>;
    expect(openApiAccepts(input)).toBe(true);
    expect(validate(normalised)).toEqual(result.accepted);
    expect(amount).toBeGreaterThan(0);
  }
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

describe('the validators on generated hostile inputs', () => {
  it.each(FIXED_CREATE_INPUTS.map((input, index) => [index, input]))('answer createPayment input #%s', (_index, input) => holds('validateCreatePaymentInput', input));
  it.each(PAGE_ARGS.map((input) => [JSON.stringify(input) ?? 'undefined', input]))('answer page args %s', (_name, input) => holds('validatePageArgs', input));
  it.each(REFS.map((input) => [JSON.stringify(input) ?? 'undefined', input]))('answer ref %s', (_name, input) => holds('validatePaymentRef', input));
  it.each(IDEMPOTENCY_KEYS.map((input) => [String(input).slice(0, 20), input]))('answer Idempotency-Key %s', (_name, input) => holds('validateIdempotencyKey', input));

  const anyJson = jsonText({ maxDepth: 3 }).map((text) => JSON.parse(text) as unknown);
  /** A value for one key: JSON-ish most of the time, typed values near the limits otherwise. */
  const anyValue = fc.oneof(anyJson, hostileString(), fc.integer({ min: -2, max: 1500 }), fc.double(), fc.constantFrom(null, undefined, '', 2 ** 53, -0));

  for (const seed of fuzzSeeds('validation-properties.test.ts')) {
    const params = { seed: seed.seed, numRuns: numRuns(400), verbose: 0 as const };

    it(`answer stacked mutations of a valid payment (${seed.label})`, () => {
      fc.assert(
        fc.property(fc.array(mutationArb, { minLength: 1, maxLength: 5 }), (mutations: Mutation[]) => {
          let input: Record<string, unknown> = base();
          for (const mutation of mutations) input = applyMutation(input, mutation).parsed;
          holds('validateCreatePaymentInput', input);
        }),
        params,
      );
    });

    it(`answer arbitrary values in every place of the input (${seed.label})`, () => {
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
          holds('validateCreatePaymentInput', input);
        }),
        params,
      );
    });

    it(`answer arbitrary page args, refs and Idempotency-Keys (${seed.label})`, () => {
      const pageArg = fc.oneof(fc.integer({ min: -2, max: 102 }), anyValue);
      fc.assert(
        fc.property(fc.record({ first: pageArg, last: pageArg, after: anyValue, before: anyValue }, { requiredKeys: [] }), anyValue, (args, other) => {
          holds('validatePageArgs', args);
          holds('validatePaymentRef', other);
          holds('validatePaymentRef', typeof other === 'string' ? `pay_${other}` : other);
          holds('validateIdempotencyKey', other);
        }),
        params,
      );
    });
  }
});
