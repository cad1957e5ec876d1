import { ValidationError } from '../../domain/errors';
import { isSupportedCurrency, normalizeCurrency } from '../../domain/money';
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

const INPUT_FIELDS = [
  'orderId',
  'currency',
  'lineItems',
  'successUrl',
  'cancelUrl',
  'customerEmail',
  'expiresInMinutes',
  'metadata',
] as const;

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

  const orderId = readText(p, 'orderId', ownValue(raw, 'orderId'), { maxChars: LIMITS.orderIdMaxChars });
  const currency = readCurrency(p, ownValue(raw, 'currency'));
  const lineItems = readLineItems(p, ownValue(raw, 'lineItems'), currency ?? null);
  // The total is only meaningful once every line and the currency are sound.
  const amount = lineItems && currency ? totalAmount(p, lineItems, currency) : undefined;
  const successUrl = readHttpUrl(p, 'successUrl', ownValue(raw, 'successUrl'), LIMITS.urlMaxChars);
  const cancelUrl = readHttpUrl(p, 'cancelUrl', ownValue(raw, 'cancelUrl'), LIMITS.urlMaxChars);
  const customerEmail = readOptional(ownValue(raw, 'customerEmail'), null, (value) =>
    readEmail(p, 'customerEmail', value, LIMITS.emailMaxChars, LIMITS.emailLocalPartMaxChars),
  );
  const expiresInMinutes = readOptional(ownValue(raw, 'expiresInMinutes'), LIMITS.expiresInMinutesDefault, (value) =>
    readExpiresInMinutes(p, value),
  );
  const metadata = readMetadata(p, ownValue(raw, 'metadata'));

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

/** Absent (undefined or null) takes the default; anything else must pass `read`. */
function readOptional<T, D>(value: unknown, fallback: D, read: (value: unknown) => T | undefined): T | D | undefined {
  return isAbsent(value) ? fallback : read(value);
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
