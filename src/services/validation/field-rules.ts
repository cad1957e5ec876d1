/**
 * The declarative part of the input rules: which fields each input has, which of them may be left
 * out (and what they then become), and the character classes and shapes the readers test. The
 * validators read these tables, and so does the OpenAPI document (src/rest/openapi.ts), so a change
 * made here changes the code's behaviour and the published document together. The numbers live in
 * limits.ts (and the money rules in src/domain/money.ts); the procedural checks that no table can
 * express (sums, per-currency rules, URL parsing) stay in the *.validator.ts readers.
 */
import { LIMITS } from './limits';

/** A field the caller must send, or one that may be absent (undefined or null) and then takes `default`. */
export type FieldRule = { readonly required: true } | { readonly required: false; readonly default: null | number | Readonly<Record<string, never>> };

const REQUIRED = { required: true } as const;

/** CreatePaymentInput (API.md), in the order problems are reported. Any other field is refused. */
export const CREATE_PAYMENT_INPUT_FIELDS = {
  orderId: REQUIRED,
  currency: REQUIRED,
  lineItems: REQUIRED,
  successUrl: REQUIRED,
  cancelUrl: REQUIRED,
  customerEmail: { required: false, default: null },
  expiresInMinutes: { required: false, default: LIMITS.expiresInMinutesDefault },
  metadata: { required: false, default: {} },
} as const satisfies Record<string, FieldRule>;

export type CreatePaymentInputField = keyof typeof CREATE_PAYMENT_INPUT_FIELDS;

/** One line of `lineItems`; every field is required and any other is refused. */
export const LINE_ITEM_FIELDS = {
  name: REQUIRED,
  unitAmount: REQUIRED,
  quantity: REQUIRED,
} as const satisfies Record<string, FieldRule>;

/** The field names of a rule table, in declaration order. */
export function fieldNames<T extends Record<string, FieldRule>>(rules: T): (keyof T & string)[] {
  return Object.keys(rules) as (keyof T & string)[];
}

/** The value an absent optional field takes; a fresh copy, so no caller can alter the table's. */
export function defaultOf<R extends FieldRule>(rule: R): R extends { default: infer D } ? D : never {
  return (rule.required ? undefined : structuredClone(rule.default)) as R extends { default: infer D } ? D : never;
}

/**
 * C0 and C1 control characters, as the body of a regular-expression character class (`[…]`): refused
 * in single-line text (identifiers, names, URLs) and in metadata keys.
 */
export const CONTROL_CHARACTERS = '\\u0000-\\u001f\\u007f-\\u009f';

/** Characters Stripe forbids in metadata keys (it reads `a[b]` as nesting), as a character-class body. */
export const METADATA_KEY_FORBIDDEN_CHARACTERS = '\\[\\]';

/** A payment ref as the gateway issues them: `pay_` plus base64url characters, `payment.ref` column width at most. */
export const PAYMENT_REF_PATTERN = new RegExp(`^pay_[A-Za-z0-9_-]{${LIMITS.refMinRandomChars},${LIMITS.refMaxChars - 'pay_'.length}}$`);

/** Printable ASCII including space (UUIDs, hashes, "order-42 attempt 2" all qualify). */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x20-\x7e]+$/;
