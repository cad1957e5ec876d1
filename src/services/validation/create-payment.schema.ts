/**
 * CreatePaymentInput (API.md), its line items and metadata: the one statement of their rules. The
 * validator parses with these schemas (index.ts), the OpenAPI document is generated from them
 * (json-schema.ts), and the GraphQL input types take their descriptions from their metadata. The
 * numbers are LIMITS' (src/domain/limits.ts) and the money rules src/domain/money.ts'.
 */
import { z } from 'zod';
import {
  amountIncrement,
  amountIncrementReason,
  formatAmount,
  MAX_AMOUNT,
  minimumChargeAmount,
  normalizeCurrency,
  supportedCurrencies,
} from '../../domain/money';
import { FORBIDDEN_KEYS, LIMITS } from '../../domain/limits';
import { CONTROL_CHARACTERS, defaultOf, describe, email, FIRST, httpUrl, integer, LONE_SURROGATE, ownData, text, typeMessage, withDefault } from './rules';

const MINOR_UNIT_HINT = ' (amounts are integers in the minor unit: 1050 for 10.50 USD, 500 for ¥500)';

export const lineItemShape = {
  name: text(LIMITS.lineItemNameMaxChars).meta({ description: 'What the customer sees on the checkout page.' }),
  unitAmount: integer(MINOR_UNIT_HINT)
    .min(1, { ...FIRST, error: (issue) => `must be a positive integer, got ${issue.input}` })
    .max(MAX_AMOUNT, { ...FIRST, error: (issue) => `must be at most ${MAX_AMOUNT} (the maximum amount of a payment), got ${issue.input}` })
    .meta({ description: "Price of one unit in the minor unit of the payment's currency (1050 for 10.50 USD, 500 for ¥500)." }),
  quantity: integer()
    .min(LIMITS.quantityMin, { ...FIRST, error: (issue) => `must be between ${LIMITS.quantityMin} and ${LIMITS.quantityMax}, got ${issue.input}` })
    .max(LIMITS.quantityMax, { ...FIRST, error: (issue) => `must be between ${LIMITS.quantityMin} and ${LIMITS.quantityMax}, got ${issue.input}` }),
};

/** One line of `lineItems`; every field is required and any other is refused. */
export const LineItemSchema = z
  .preprocess(
    ownData,
    z.strictObject(lineItemShape, { error: (issue) => `must be an object with name, unitAmount and quantity, got ${describe(issue.input)}` }),
  )
  .meta({ id: 'LineItem' });

const LINE_ITEMS_LIMIT_MESSAGE = (count: number) => `must contain at most ${LIMITS.lineItemsMax} line items, got ${count}`;

/** 1..lineItemsMax lines. The count is checked before the lines: thousands of bad lines would bury it. */
const LineItemsSchema = z.preprocess(
  (value, payload) => {
    if (Array.isArray(value) && value.length > LIMITS.lineItemsMax) {
      payload.issues.push({ code: 'custom', message: LINE_ITEMS_LIMIT_MESSAGE(value.length), input: value });
    }
    return value;
  },
  z
    .array(LineItemSchema, { error: typeMessage('an array of line items') })
    .min(LIMITS.lineItemsMin, { ...FIRST, error: 'must contain at least one line item' })
    .max(LIMITS.lineItemsMax, { ...FIRST, error: (issue) => LINE_ITEMS_LIMIT_MESSAGE((issue.input as unknown[]).length) }),
).meta({ description: `The order's lines; the payment's amount is the sum of unitAmount × quantity, at most ${MAX_AMOUNT} and at least the currency's minimum charge.` });

const UNITS_NOTE = ' (characters outside the Basic Multilingual Plane, such as emoji, count as 2)';
const METADATA_KEY_PATTERN = `^[^\\[\\]${CONTROL_CHARACTERS}]+$`;
const UNPRINTABLE_IN_KEY = new RegExp(`\\p{Cs}|[${CONTROL_CHARACTERS}]`, 'u');

/**
 * A metadata key. Lengths are counted in UTF-16 code units (zod's and JavaScript's `length`), where an
 * emoji counts 2: that is how the Stripe emulator counts them and the strictest count Stripe may
 * apply, so a value the gateway accepts is never refused at Stripe (a FAILED payment and a 502).
 * An empty key is reported on `metadata` itself (index.ts), as there is no key to name.
 */
const MetadataKeySchema = z
  .string()
  .min(1, { ...FIRST, error: 'keys must not be empty' })
  .refine((key) => !FORBIDDEN_KEYS.has(key), { ...FIRST, error: (issue) => reservedKeyMessage(String(issue.input)) })
  .refine((key) => key.length <= LIMITS.metadataKeyMaxChars, { ...FIRST, error: `key must be at most ${LIMITS.metadataKeyMaxChars} characters${UNITS_NOTE}` })
  // Stripe reads `a[b]` as nesting.
  .refine((key) => !/[[\]]/.test(key), { ...FIRST, error: 'key must not contain "[" or "]" (Stripe forbids them in metadata keys)' })
  .refine((key) => !UNPRINTABLE_IN_KEY.test(key), { ...FIRST, error: 'key must be printable Unicode text' })
  .meta({ minLength: 1, maxLength: LIMITS.metadataKeyMaxChars, pattern: METADATA_KEY_PATTERN, not: { enum: [...FORBIDDEN_KEYS] } });

/** Values may hold newlines (addresses, notes); only unpaired surrogates are unencodable. */
const MetadataValueSchema = z
  .string({ error: (issue) => `value must be a string, got ${describe(issue.input)} (send numbers and flags as strings, e.g. "42")` })
  .refine((value) => value.length <= LIMITS.metadataValueMaxChars, { ...FIRST, error: `value must be at most ${LIMITS.metadataValueMaxChars} characters${UNITS_NOTE}` })
  .refine((value) => !LONE_SURROGATE.test(value), { ...FIRST, error: 'value must be valid Unicode text (it has an unpaired surrogate)' })
  .meta({ maxLength: LIMITS.metadataValueMaxChars });

/**
 * zod never reads a `__proto__` key (assigning it would replace the result's prototype), so it is
 * refused here, before the record is read; as an `unrecognized_keys` issue, the one kind that lets
 * zod go on to check the other keys, so that every problem is still reported at once.
 */
function refuseProtoKey(value: unknown, payload: z.core.ParsePayload): unknown {
  if (value !== null && typeof value === 'object' && Object.prototype.hasOwnProperty.call(value, '__proto__')) {
    payload.issues.push({
      code: 'unrecognized_keys',
      keys: ['__proto__'],
      path: [],
      input: value as Record<string, unknown>,
      message: reservedKeyMessage('__proto__'),
    });
  }
  return value;
}

const reservedKeyMessage = (key: string) => `"${key}" is a reserved name and cannot be a metadata key`;

/**
 * The merchant's metadata, passed to Stripe as is, so Stripe's limits apply. A JSON object only (not
 * a class instance). zod builds the result by assignment of accepted keys only, so no prototype is touched.
 */
export const MetadataSchema = z
  .preprocess(
    refuseProtoKey,
    z
      .record(MetadataKeySchema, MetadataValueSchema, { error: typeMessage('a JSON object of string keys to string values') })
      // Reported alongside the problems of single keys (`when`), and before them (zod-problems.ts orders problems).
      .check(
        z.core._check<Record<string, string>>(
          (payload) => {
            if (payload.issues.some((issue) => issue.code === 'invalid_type' && (issue.path?.length ?? 0) === 0)) return; // not an object
            // Every key the caller sent is in the result, or refused as a key (invalid_key), or is __proto__.
            const refusedKeys = payload.issues.filter((issue) => issue.code === 'invalid_key' || issue.code === 'unrecognized_keys').length;
            const count = Object.keys(payload.value).length + refusedKeys;
            if (count > LIMITS.metadataMaxKeys) {
              payload.issues.push({ code: 'custom', message: `must have at most ${LIMITS.metadataMaxKeys} keys, got ${count}`, input: payload.value });
            }
          },
          { when: () => true },
        ),
      )
      .meta({ maxProperties: LIMITS.metadataMaxKeys }),
  )
  .meta({ id: 'Metadata', description: "The merchant's own string keys and values, passed to Stripe as they are (Stripe's metadata limits)." });

const CurrencySchema = z
  .string({ error: typeMessage('a string') })
  .refine((code) => normalizeCurrency(code) !== null, { ...FIRST, error: 'must be a three-letter ISO 4217 code such as USD or eur' })
  .refine((code) => supportedCurrencies().includes(code.toUpperCase()), {
    ...FIRST,
    error: (issue) => `${String(issue.input).toUpperCase()} is not a currency Stripe supports for card payments`,
  })
  .toUpperCase()
  .meta({ pattern: anyCaseOf(supportedCurrencies()), description: 'ISO 4217 code in any letter case, one of the Currency values; stored and returned upper case.' });

/** A regular expression matching any of `codes` in any letter case (currency codes are case-insensitive). */
function anyCaseOf(codes: readonly string[]): string {
  const anyCase = (code: string) => [...code].map((c) => `[${c.toUpperCase()}${c.toLowerCase()}]`).join('');
  return `^(?:${codes.map(anyCase).join('|')})$`;
}

const expiryMessage = (issue: { input?: unknown }) =>
  `must be between ${LIMITS.expiresInMinutesMin} and ${LIMITS.expiresInMinutesMax} (Stripe's Checkout window), got ${issue.input}`;

/** The fields of CreatePaymentInput, in the order problems are reported. Any other field is refused. */
export const createPaymentShape = {
  orderId: text(LIMITS.orderIdMaxChars).meta({
    description: `The merchant's order reference (1..${LIMITS.orderIdMaxChars} characters). An order has at most one active or succeeded payment.`,
  }),
  currency: CurrencySchema,
  lineItems: LineItemsSchema,
  successUrl: httpUrl(LIMITS.urlMaxChars).meta({ description: "Where the customer lands after paying (an http(s) URL), with `ref` and `status` added to the query." }),
  cancelUrl: httpUrl(LIMITS.urlMaxChars).meta({ description: 'Where the customer lands after cancelling (an http(s) URL), with `ref` added to the query.' }),
  customerEmail: withDefault(email(LIMITS.emailMaxChars, LIMITS.emailLocalPartMaxChars), null).meta({ description: 'Prefills the checkout page.' }),
  expiresInMinutes: withDefault(
    integer().min(LIMITS.expiresInMinutesMin, { ...FIRST, error: expiryMessage }).max(LIMITS.expiresInMinutesMax, { ...FIRST, error: expiryMessage }),
    LIMITS.expiresInMinutesDefault,
  ).meta({
    description: `How long the checkout stays open, ${LIMITS.expiresInMinutesMin}..${LIMITS.expiresInMinutesMax} minutes (Stripe's window), ${LIMITS.expiresInMinutesDefault} when absent.`,
  }),
  metadata: withDefault(MetadataSchema, {}),
};

/**
 * The currency-dependent money rules (src/domain/money.ts), run once the fields are read: each line's
 * unitAmount a multiple of the currency's increment (checked per line, so the message points at the
 * line to fix), then the total between the currency's minimum charge and MAX_AMOUNT, reported on
 * `lineItems`, the input that produces it. A rule whose inputs are themselves wrong is skipped rather
 * than guessed, and reported with the other problems of the input.
 */
function checkMoney(payload: z.core.ParsePayload<CreatePaymentFields>): void {
  /** A problem reported exactly at `path` (not deeper). */
  const failed = (...path: (string | number)[]) =>
    payload.issues.some((issue) => issue.path?.length === path.length && path.every((key, i) => issue.path?.[i] === key));
  if (payload.value === null || typeof payload.value !== 'object') return; // not an object: nothing to add
  const { currency, lineItems } = payload.value;
  if (failed('currency') || failed('lineItems') || !Array.isArray(lineItems)) return;
  const step = amountIncrement(currency);
  lineItems.forEach((line, index) => {
    // A line that is not an object has no amount; one with other problems (a bad name) still gets this one.
    if (typeof line?.unitAmount !== 'number' || failed('lineItems', index, 'unitAmount') || line.unitAmount % step === 0) return;
    payload.issues.push({
      code: 'custom',
      path: ['lineItems', index, 'unitAmount'],
      message: `must be a multiple of ${step}: ${amountIncrementReason(currency)}`,
      input: line.unitAmount,
    });
  });
  if (payload.issues.some((issue) => issue.path?.[0] === 'lineItems')) return;
  const total = totalOf(lineItems);
  const minimum = minimumChargeAmount(currency);
  const problem =
    total > MAX_AMOUNT
      ? `the total amount (sum of unitAmount × quantity) must be at most ${formatAmount(MAX_AMOUNT, currency)} (${MAX_AMOUNT}), got ${total}`
      : total < minimum
        ? `the total amount ${formatAmount(total, currency)} (${total}) is below Stripe's minimum charge of ${formatAmount(minimum, currency)} (${minimum})`
        : null;
  if (problem !== null) payload.issues.push({ code: 'custom', path: ['lineItems'], message: problem, input: lineItems });
}

type CreatePaymentFields = z.output<z.ZodObject<typeof createPaymentShape>>;

/** The JSON Schema form of the increment rule (the minimum charge needs the total, which no JSON Schema computes). */
function incrementRulesAsJsonSchema(): unknown[] {
  const byStep = new Map<number, string[]>();
  for (const currency of supportedCurrencies()) {
    const step = amountIncrement(currency);
    if (step !== 1) byStep.set(step, [...(byStep.get(step) ?? []), currency]);
  }
  return [...byStep.entries()]
    .sort(([a], [b]) => a - b)
    .map(([step, codes]) => ({
      if: { properties: { currency: { type: 'string', pattern: anyCaseOf(codes) } }, required: ['currency'] },
      then: { properties: { lineItems: { items: { properties: { unitAmount: { multipleOf: step } } } } } },
    }));
}

export const CreatePaymentInputSchema = z
  .preprocess(
    ownData,
    z
      .strictObject(createPaymentShape, { error: (issue) => `must be a JSON object with the CreatePaymentInput fields, got ${describe(issue.input)}` })
      // `when`: run even when other fields have problems, so that every problem is reported at once.
      .check(z.core._check<CreatePaymentFields>(checkMoney, { when: () => true })),
  )
  .meta({
    id: 'CreatePaymentInput',
    allOf: incrementRulesAsJsonSchema(),
    description:
      'A new payment. Every problem is reported at once (400 BAD_USER_INPUT, one `details` entry per field). ' +
      "Rules beyond this schema: URLs must parse, the total must be at least the currency's minimum charge, text must be valid Unicode.",
  });

/**
 * CreatePaymentInput's fields in order, each required or not (and then its default): the shape of
 * the schema above, for the tests and documents that list fields.
 */
export const CREATE_PAYMENT_INPUT_FIELDS = Object.fromEntries(
  Object.entries(createPaymentShape).map(([name, schema]) => {
    const absent = defaultOf(schema);
    return [name, absent.optional ? { required: false, default: absent.value } : { required: true }];
  }),
) as Record<keyof typeof createPaymentShape, { required: boolean; default?: unknown }>;

/** The payment's amount: the sum of unitAmount × quantity. Exact in doubles: lineItemsMax lines of MAX_AMOUNT × quantityMax stay far below 2^53. */
export function totalOf(lineItems: readonly { unitAmount: number; quantity: number }[]): number {
  return lineItems.reduce((sum, line) => sum + line.unitAmount * line.quantity, 0);
}
