/**
 * The other inputs of the public API: a payment ref, the paging arguments of `payments`, the
 * Idempotency-Key header. Each a zod schema, the one statement of its rules (see create-payment.schema.ts).
 */
import { z } from 'zod';
import { LIMITS } from '../../domain/limits';
import { describe, FIRST, integer, isAbsent, withDefault } from './rules';

/** A payment ref as the gateway issues them: `pay_` plus base64url characters, `payment.ref` column width at most. */
export const PAYMENT_REF_PATTERN = new RegExp(`^pay_[A-Za-z0-9_-]{${LIMITS.refMinRandomChars},${LIMITS.refMaxChars - 'pay_'.length}}$`);

const REF_MESSAGE = `must be a payment ref as returned by createPayment (pay_ followed by at least ${LIMITS.refMinRandomChars} letters, digits, "-" or "_")`;

/**
 * Only the shape is checked: a well-formed ref that does not exist (or is another merchant's) is the
 * caller's PAYMENT_NOT_FOUND, not an input error.
 */
export const PaymentRefSchema = z
  .string({ error: (issue) => `${REF_MESSAGE}, got ${describe(issue.input)}` })
  .regex(PAYMENT_REF_PATTERN, { error: REF_MESSAGE })
  .meta({ id: 'PaymentRef', maxLength: LIMITS.refMaxChars, description: 'The gateway’s payment id: opaque, unguessable, `pay_…`.' });

/** Printable ASCII including space (UUIDs, hashes, "order-42 attempt 2" all qualify). */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x20-\x7e]+$/;

/**
 * The `Idempotency-Key` header, when sent. Node gives a repeated header as one comma-joined string, or
 * an array for some headers; an array is refused rather than guessing which key the client meant.
 */
export const IdempotencyKeySchema = z
  .string({ error: (issue) => `must be a single header value, got ${describe(issue.input)}` })
  .refine((key) => key.trim() !== '', { ...FIRST, error: 'must not be empty' })
  // Lengths here are JavaScript's (UTF-16 units); the pattern allows ASCII only anyway.
  .refine((key) => key.length <= LIMITS.idempotencyKeyMaxChars, {
    ...FIRST,
    error: (issue) => `must be at most ${LIMITS.idempotencyKeyMaxChars} characters, got ${(issue.input as string).length}`,
  })
  .regex(IDEMPOTENCY_KEY_PATTERN, { ...FIRST, error: 'must contain only printable ASCII characters' })
  .meta({
    minLength: 1,
    maxLength: LIMITS.idempotencyKeyMaxChars,
    description: 'The same key with the same body returns the first answer (kept at least 24 h); with another body it is IDEMPOTENCY_CONFLICT.',
  });

/** Printable ASCII, no space: cursors are the gateway's own base64url-ish tokens. */
const CURSOR_PATTERN = /^[\x21-\x7e]+$/;

function pageSize(direction: string) {
  const between = (issue: { input?: unknown }) => `must be between 1 and ${LIMITS.pageSizeMax}, got ${issue.input}`;
  return withDefault(integer().min(1, { ...FIRST, error: between }).max(LIMITS.pageSizeMax, { ...FIRST, error: between }), null).meta({
    description: direction,
  });
}

/** An opaque cursor; an empty string is taken as "no cursor", as some clients send it for the first page. */
function cursor(where: 'pageInfo.endCursor' | 'pageInfo.startCursor', direction: string) {
  const text = z
    .string({ error: (issue) => `must be a string cursor (${where}), got ${describe(issue.input)}` })
    .refine((value) => value.length <= LIMITS.cursorMaxChars, { ...FIRST, error: `must be a cursor returned in ${where}` })
    .regex(CURSOR_PATTERN, { ...FIRST, error: `must be a cursor returned in ${where}` });
  const description = `${where} (or an edge cursor) of a previous page: ${direction}`;
  return z.preprocess((value) => (value === '' ? null : value), withDefault(text, null)).meta({ description });
}

/**
 * Relay paging arguments of `payments`: `first` (forwards) or `last` (backwards), not both; neither
 * means the first pageSizeDefault. Other arguments (filters) pass through untouched. The fields are
 * in the order problems are reported.
 */
export const pageArgsShape = {
  first: pageSize(`Forwards: the first n (1..${LIMITS.pageSizeMax}) after \`after\`; ${LIMITS.pageSizeDefault} when neither first nor last is given`),
  last: pageSize(`Backwards: the last n (1..${LIMITS.pageSizeMax}) before \`before\`; not with first`),
  after: cursor('pageInfo.endCursor', 'older payments'),
  before: cursor('pageInfo.startCursor', 'newer payments'),
};

export const PageArgsSchema = z
  .preprocess(
    (args) => args ?? {},
    z.object(pageArgsShape)
  .check(
    z.core._check<{ first: unknown; last: unknown }>(
      (payload) => {
        // On the arguments as sent: a malformed `first` with a `last` is still two directions.
        if (payload.value && !isAbsent(payload.value.first) && !isAbsent(payload.value.last)) {
          payload.issues.push({
            code: 'custom',
            path: ['last'],
            message: 'cannot be given with first: page forwards (first, after) or backwards (last, before)',
            input: payload.value.last,
          });
        }
      },
      { when: () => true },
    ),
  ),
);
