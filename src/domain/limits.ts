/**
 * The input limits of the public API that are not money rules (those live in src/domain/money.ts):
 * the one place each number is written. The validation's zod schemas, the OpenAPI document, the
 * GraphQL descriptions and the entities' column widths all read them from here. Where API.md is silent the number is Stripe's own limit for the field the value
 * ends up in, so that anything the gateway accepts, Stripe accepts too.
 */
export const LIMITS = {
  /** API.md; also the `payment.order_id` column width. Counted in Unicode code points. */
  orderIdMaxChars: 128,
  lineItemsMin: 1,
  lineItemsMax: 100,
  /** Stripe's product name limit (250 characters since API version 2018-10-31). */
  lineItemNameMaxChars: 250,
  quantityMin: 1,
  quantityMax: 999,
  /** Stripe refuses success_url / cancel_url longer than 5000 characters. */
  urlMaxChars: 5000,
  /** RFC 5321 path limit (256 minus the angle brackets): no deliverable address is longer. */
  emailMaxChars: 254,
  emailLocalPartMaxChars: 64,
  /** Stripe's Checkout Session expiry window: 30 minutes to 24 hours. */
  expiresInMinutesMin: 30,
  expiresInMinutesMax: 1440,
  expiresInMinutesDefault: 60,
  /** Stripe's metadata limits. */
  metadataMaxKeys: 50,
  metadataKeyMaxChars: 40,
  metadataValueMaxChars: 500,
  /** `pay_` plus 24..36 base64url characters; 40 is the `payment.ref` column width. */
  refMinRandomChars: 24,
  refMaxChars: 40,
  pageSizeDefault: 20,
  pageSizeMax: 100,
  cursorMaxChars: 200,
  /** API.md, "Idempotency"; Stripe's own idempotency keys have the same bound. */
  idempotencyKeyMaxChars: 255,
  /**
   * A body can carry thousands of bad keys; past this many problems the answer says how many more
   * there were instead of listing them, so an error never grows larger than a sane request.
   */
  maxReportedProblems: 100,
} as const;

/** Names that would reach Object.prototype if ever assigned with `obj[key] = …`. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);
