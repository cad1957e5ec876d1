/**
 * Money vocabulary: which currencies the gateway accepts, how Stripe represents their amounts, and the
 * per-payment limits. Pure, no I/O. Every currency rule lives here once; validation, the payment
 * service and the Stripe adapter ask these functions instead of keeping their own lists.
 *
 * Source: Stripe's "Supported currencies" page (https://docs.stripe.com/currencies): presentment
 * currencies for card payments, zero-decimal, three-decimal, special cases, minimum charge amounts.
 * Amounts are always integers in Stripe's minor unit for the currency (API.md, "Money and identifiers").
 */

/** API.md: at most 99 999 999 minor units per payment (Stripe's 8-digit limit for most currencies). */
export const MAX_AMOUNT = 99_999_999;

/**
 * Stripe's presentment currencies for card payments, as listed on its currencies page. Whether a given
 * account may charge in each one is Stripe's call (it refuses at session creation: PROVIDER_ERROR).
 */
const CARD_PRESENTMENT_CURRENCIES = [
  'USD', 'AED', 'AFN', 'ALL', 'AMD', 'ANG', 'AOA', 'ARS', 'AUD', 'AWG', 'AZN', 'BAM', 'BBD', 'BDT',
  'BGN', 'BIF', 'BMD', 'BND', 'BOB', 'BRL', 'BSD', 'BWP', 'BYN', 'BZD', 'CAD', 'CDF', 'CHF', 'CLP',
  'CNY', 'COP', 'CRC', 'CVE', 'CZK', 'DJF', 'DKK', 'DOP', 'DZD', 'EGP', 'ETB', 'EUR', 'FJD', 'FKP',
  'GBP', 'GEL', 'GIP', 'GMD', 'GNF', 'GTQ', 'GYD', 'HKD', 'HNL', 'HTG', 'HUF', 'IDR', 'ILS', 'INR',
  'ISK', 'JMD', 'JPY', 'KES', 'KGS', 'KHR', 'KMF', 'KRW', 'KYD', 'KZT', 'LAK', 'LBP', 'LKR', 'LRD',
  'LSL', 'MAD', 'MDL', 'MGA', 'MKD', 'MMK', 'MNT', 'MOP', 'MUR', 'MVR', 'MWK', 'MXN', 'MYR', 'MZN',
  'NAD', 'NGN', 'NIO', 'NOK', 'NPR', 'NZD', 'PAB', 'PEN', 'PGK', 'PHP', 'PKR', 'PLN', 'PYG', 'QAR',
  'RON', 'RSD', 'RUB', 'RWF', 'SAR', 'SBD', 'SCR', 'SEK', 'SGD', 'SHP', 'SLE', 'SOS', 'SRD', 'STD',
  'SZL', 'THB', 'TJS', 'TOP', 'TRY', 'TTD', 'TWD', 'TZS', 'UAH', 'UGX', 'UYU', 'UZS', 'VND', 'VUV',
  'WST', 'XAF', 'XCD', 'XOF', 'XPF', 'YER', 'ZAR', 'ZMW',
] as const;

/** Stripe's documented zero-decimal list, verbatim (a unit test pins it). UGX is overridden below. */
export const STRIPE_ZERO_DECIMAL_CURRENCIES: ReadonlySet<string> = new Set([
  'BIF', 'CLP', 'DJF', 'GNF', 'JPY', 'KMF', 'KRW', 'MGA', 'PYG', 'RWF', 'UGX', 'VND', 'VUV', 'XAF',
  'XOF', 'XPF',
]);

/**
 * Three-decimal currencies. They are not on the card presentment list, but Stripe documents API support
 * for them in the standard payment flows (Payment Intents, which Checkout uses) provided the last digit
 * is 0, so the gateway accepts them with that rule rather than refusing currencies Stripe takes.
 */
export const THREE_DECIMAL_CURRENCIES: ReadonlySet<string> = new Set(['BHD', 'JOD', 'KWD', 'OMR', 'TND']);

/**
 * Stripe's special cases, as they apply to Checkout charges:
 * - ISK and UGX are zero-decimal in practice, but Stripe keeps them two-decimal in the API for backwards
 *   compatibility: 5 ISK is `500`, and amounts must be divisible by 100 (Stripe answers
 *   `invalid_charge_amount_no_decimal_compatible` otherwise). UGX also sits on Stripe's zero-decimal
 *   list, which contradicts this; the special case is what Stripe enforces, so it wins here.
 * - HUF and TWD are zero-decimal for *payouts* only; charges take ordinary two-decimal amounts, so no
 *   rule applies to Checkout amounts.
 */
const WHOLE_UNITS_IN_TWO_DECIMALS: ReadonlySet<string> = new Set(['ISK', 'UGX']);

const SUPPORTED_CURRENCIES: ReadonlySet<string> = new Set([...CARD_PRESENTMENT_CURRENCIES, ...THREE_DECIMAL_CURRENCIES]);

/**
 * Stripe's minimum charge per settlement currency, in minor units. Stripe applies it to the amount
 * after conversion into the account's settlement currency; the gateway cannot know that currency or
 * the rate, so it applies the table to the presentment currency, which is exact when they match.
 */
const MINIMUM_CHARGE: Readonly<Record<string, number>> = {
  USD: 50, // $0.50
  AED: 200, // 2.00 د.إ
  AUD: 50,
  BGN: 100, // лв1.00
  BRL: 50,
  CAD: 50,
  CHF: 50,
  CZK: 1500, // 15.00 Kč
  DKK: 250, // 2.50 kr.
  EUR: 50,
  GBP: 30, // £0.30
  HKD: 400, // $4.00
  HUF: 17500, // 175.00 Ft (two-decimal for charges)
  INR: 50,
  JPY: 50, // ¥50 (zero-decimal: not multiplied)
  MXN: 1000, // $10
  MYR: 200, // RM 2
  NOK: 300,
  NZD: 50,
  PLN: 200,
  RON: 200,
  SEK: 300,
  SGD: 50,
  THB: 1000, // ฿10
};

/** Upper-case ISO 4217 shape (three ASCII letters, any case), or null. Says nothing of support. */
export function normalizeCurrency(code: unknown): string | null {
  return typeof code === 'string' && /^[A-Za-z]{3}$/.test(code) ? code.toUpperCase() : null;
}

export function isSupportedCurrency(code: unknown): boolean {
  const currency = normalizeCurrency(code);
  return currency !== null && SUPPORTED_CURRENCIES.has(currency);
}

/** All supported codes, upper case, sorted (for documentation and error messages). */
export function supportedCurrencies(): string[] {
  return [...SUPPORTED_CURRENCIES].sort();
}

/** Decimal digits of Stripe's amount representation: 100 means 1.00 when this is 2. */
export function minorUnitDigits(currency: string): 0 | 2 | 3 {
  const c = currency.toUpperCase();
  if (THREE_DECIMAL_CURRENCIES.has(c)) return 3;
  if (WHOLE_UNITS_IN_TWO_DECIMALS.has(c)) return 2;
  if (STRIPE_ZERO_DECIMAL_CURRENCIES.has(c)) return 0;
  return 2;
}

/** Every amount (each unit amount, hence the total) must be a multiple of this. */
export function amountIncrement(currency: string): number {
  const c = currency.toUpperCase();
  if (THREE_DECIMAL_CURRENCIES.has(c)) return 10; // last digit must be 0
  if (WHOLE_UNITS_IN_TWO_DECIMALS.has(c)) return 100; // whole units only
  return 1;
}

/** Why `amountIncrement` is what it is, for messages. Null when any integer goes. */
export function amountIncrementReason(currency: string): string | null {
  const c = currency.toUpperCase();
  if (THREE_DECIMAL_CURRENCIES.has(c)) return `${c} is a three-decimal currency and Stripe requires the last digit to be 0`;
  if (WHOLE_UNITS_IN_TWO_DECIMALS.has(c)) return `Stripe takes ${c} in two-decimal form but only whole units (500 = 5 ${c})`;
  return null;
}

/**
 * The smallest total the gateway lets through. For currencies in Stripe's table it is Stripe's
 * minimum. For the others Stripe's only rule is "at least the settlement currency's minimum after
 * conversion", which needs the merchant's settlement currency and a live rate; rather than guess and
 * refuse payments Stripe would take, the gateway asks only for the smallest chargeable amount (one
 * increment) and leaves the conversion check to Stripe, whose refusal becomes PROVIDER_ERROR.
 */
export function minimumChargeAmount(currency: string): number {
  const c = currency.toUpperCase();
  return MINIMUM_CHARGE[c] ?? amountIncrement(c);
}

/** Human-readable amount for messages: `formatAmount(49, 'usd')` is "0.49 USD", JPY 49 is "49 JPY". */
export function formatAmount(amount: number, currency: string): string {
  const c = currency.toUpperCase();
  const digits = minorUnitDigits(c);
  // Not an amount at all (a float, NaN): say it as it is rather than invent digits.
  if (!Number.isInteger(amount)) return `${amount} ${c}`;
  const sign = amount < 0 ? '-' : '';
  // BigInt keeps integers beyond 2^53 out of exponent notation.
  const units = BigInt(Math.abs(amount)).toString();
  if (digits === 0) return `${sign}${units} ${c}`;
  const padded = units.padStart(digits + 1, '0');
  return `${sign}${padded.slice(0, -digits)}.${padded.slice(-digits)} ${c}`;
}

/** Stripe wants lower-case codes. */
export function toProviderCurrency(currency: string): string {
  return currency.toLowerCase();
}
