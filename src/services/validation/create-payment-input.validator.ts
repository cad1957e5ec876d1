import { ValidationError } from '../../domain/errors';
import { isSupportedCurrency, normalizeCurrency } from '../../domain/money';
import { CREATE_PAYMENT_INPUT_FIELDS, defaultOf, fieldNames, type CreatePaymentInputField } from './field-rules';
import { LIMITS } from './limits';
import { readLineItems, totalAmount, ValidLineItem } from './line-items.validator';
import { readMetadata } from './metadata.validator';
import { ProblemList } from './problem-list';
import { describe, isAbsent, isObjectLike, ownValue, readEmail, readHttpUrl, readInteger, readText, rejectUnknownFields } from './value-readers';

export type { ValidLineItem } from './line-items.validator';

/** A createPayment input that passed every rule, normalised: what the payment service works from. */
export interface ValidCreatePaymentInput {
  orderId: string;
  /** ISO 4217, upper case. */
  currency: string;
  lineItems: ValidLineItem[];
  /** Sum of unitAmount × quantity, in minor units. */
  amount: number;
  successUrl: string;
  cancelUrl: string;
  customerEmail: string | null;
  expiresInMinutes: number;
  /** A plain object; empty when the input had none. */
  metadata: Record<string, string>;
}

const INPUT_FIELDS = fieldNames(CREATE_PAYMENT_INPUT_FIELDS);

/**
 * Checks a CreatePaymentInput from either door: a REST body (any JSON at all) or GraphQL arguments
 * (already shaped by the schema, so most of this passes trivially). Throws one ValidationError
 * (BAD_USER_INPUT) listing every problem found, each with a dotted field path.
 */
export function validateCreatePaymentInput(raw: unknown): ValidCreatePaymentInput {
  if (!isObjectLike(raw)) {
    throw ValidationError.single('input', `must be a JSON object with the CreatePaymentInput fields, got ${describe(raw)}`);
  }
  const p = new ProblemList();
  rejectUnknownFields(p, null, raw, INPUT_FIELDS);

  // Which fields may be absent, and what they then become, is the table in field-rules.ts.
  const field = <K extends CreatePaymentInputField, T>(name: K, read: (value: unknown) => T | undefined) =>
    readField(raw, name, read);
  const orderId = field('orderId', (value) => readText(p, 'orderId', value, { maxChars: LIMITS.orderIdMaxChars }));
  const currency = field('currency', (value) => readCurrency(p, value));
  const lineItems = field('lineItems', (value) => readLineItems(p, value, currency ?? null));
  // The total is only meaningful once every line and the currency are sound.
  const amount = lineItems && currency ? totalAmount(p, lineItems, currency) : undefined;
  const successUrl = field('successUrl', (value) => readHttpUrl(p, 'successUrl', value, LIMITS.urlMaxChars));
  const cancelUrl = field('cancelUrl', (value) => readHttpUrl(p, 'cancelUrl', value, LIMITS.urlMaxChars));
  const customerEmail = field('customerEmail', (value) =>
    readEmail(p, 'customerEmail', value, LIMITS.emailMaxChars, LIMITS.emailLocalPartMaxChars),
  );
  const expiresInMinutes = field('expiresInMinutes', (value) => readExpiresInMinutes(p, value));
  const metadata = field('metadata', (value) => readMetadata(p, value));

  p.throwIfAny();
  // No problem recorded means every reader returned its value (see value-readers.ts); the checks
  // below only convince the compiler.
  if (
    orderId === undefined ||
    currency === undefined ||
    lineItems === undefined ||
    amount === undefined ||
    successUrl === undefined ||
    cancelUrl === undefined ||
    customerEmail === undefined ||
    expiresInMinutes === undefined ||
    metadata === undefined
  ) {
    throw new Error('validateCreatePaymentInput: a reader returned nothing without reporting a problem');
  }
  return { orderId, currency, lineItems, amount, successUrl, cancelUrl, customerEmail, expiresInMinutes, metadata };
}

type DefaultOf<K extends CreatePaymentInputField> = (typeof CREATE_PAYMENT_INPUT_FIELDS)[K] extends { default: infer D } ? D : never;

/**
 * One field of the input: an optional field that is absent (undefined or null) takes its default;
 * anything else, including an absent required field (the reader reports "is required"), must pass `read`.
 */
function readField<K extends CreatePaymentInputField, T>(
  raw: Record<string, unknown>,
  name: K,
  read: (value: unknown) => T | undefined,
): T | DefaultOf<K> | undefined {
  const value = ownValue(raw, name);
  const rule = CREATE_PAYMENT_INPUT_FIELDS[name];
  return !rule.required && isAbsent(value) ? (defaultOf(rule) as DefaultOf<K>) : read(value);
}

function readCurrency(p: ProblemList, value: unknown): string | undefined {
  if (isAbsent(value)) return p.add('currency', 'is required');
  if (typeof value !== 'string') return p.add('currency', `must be a string, got ${describe(value)}`);
  const currency = normalizeCurrency(value);
  if (currency === null) return p.add('currency', 'must be a three-letter ISO 4217 code such as USD or eur');
  if (!isSupportedCurrency(currency)) return p.add('currency', `${currency} is not a currency Stripe supports for card payments`);
  return currency;
}

function readExpiresInMinutes(p: ProblemList, value: unknown): number | undefined {
  const minutes = readInteger(p, 'expiresInMinutes', value);
  if (minutes === undefined) return undefined;
  if (minutes < LIMITS.expiresInMinutesMin || minutes > LIMITS.expiresInMinutesMax) {
    return p.add(
      'expiresInMinutes',
      `must be between ${LIMITS.expiresInMinutesMin} and ${LIMITS.expiresInMinutesMax} (Stripe's Checkout window), got ${minutes}`,
    );
  }
  return minutes;
}
