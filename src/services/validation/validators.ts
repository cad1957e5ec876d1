/**
 * The validators of the public API's inputs, for both doors (GraphQL resolvers and REST routers):
 * each parses with the input's schema and returns the input checked and normalised, or throws one
 * ValidationError (BAD_USER_INPUT) listing every problem with its dotted field path.
 */
import { CreatePaymentInputSchema, totalOf } from './create-payment.schema';
import { IdempotencyKeySchema, PageArgsSchema, PaymentRefSchema } from './request-args.schema';
import { LIMITS } from '../../domain/limits';
import { parseOrThrow } from './zod-problems';

export interface ValidLineItem {
  name: string;
  /** Minor units of the payment's currency. */
  unitAmount: number;
  quantity: number;
}

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

/** A REST body (any JSON at all) or GraphQL arguments (already shaped by the schema, so most of this passes trivially). */
export function validateCreatePaymentInput(raw: unknown): ValidCreatePaymentInput {
  const { orderId, currency, lineItems, successUrl, cancelUrl, customerEmail, expiresInMinutes, metadata } = parseOrThrow(CreatePaymentInputSchema, raw, 'input');
  // The schema has checked the total (create-payment.schema.ts); here it is only kept.
  const amount = totalOf(lineItems);
  return { orderId, currency, lineItems, amount, successUrl, cancelUrl, customerEmail, expiresInMinutes, metadata };
}

export function validatePaymentRef(ref: unknown): string {
  return parseOrThrow(PaymentRefSchema, ref, 'ref');
}

/**
 * Which slice of the list to read, as Relay defines it: the cursors bound the list first (`after`
 * and `before` exclude their own payment), then `first` keeps the first `size` of what is left
 * (forwards) or `last` keeps the last `size` (backwards).
 */
export interface PageArgs {
  direction: 'forward' | 'backward';
  size: number;
  /** Opaque cursors as the caller gave them, or null: decoding them is the cursor sealer's job. */
  after: string | null;
  before: string | null;
}

type PageArgsInput = { first?: unknown; after?: unknown; last?: unknown; before?: unknown };

export function validatePageArgs(args: PageArgsInput | null | undefined): PageArgs {
  const { first, last, after, before } = parseOrThrow(PageArgsSchema, args, 'input');
  if (last !== null) return { direction: 'backward', size: last, after, before };
  return { direction: 'forward', size: first ?? LIMITS.pageSizeDefault, after, before };
}

/** The `Idempotency-Key` header: absent is null (no idempotency). */
export function validateIdempotencyKey(header: unknown): string | null {
  if (header === undefined || header === null) return null;
  return parseOrThrow(IdempotencyKeySchema, header, 'Idempotency-Key');
}

