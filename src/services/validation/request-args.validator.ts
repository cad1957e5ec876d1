import { ValidationError } from '../../domain/errors';
import { IDEMPOTENCY_KEY_PATTERN, PAYMENT_REF_PATTERN } from './field-rules';
import { LIMITS } from './limits';
import { ProblemList } from './problem-list';
import { describe, isAbsent, readInteger } from './value-readers';

/** Printable ASCII, no space: cursors are the gateway's own base64url-ish tokens. */
const CURSOR_PATTERN = /^[\x21-\x7e]+$/;

/**
 * A payment ref as the gateway issues them. Only the shape is checked: a well-formed ref that does
 * not exist (or is another merchant's) is the caller's PAYMENT_NOT_FOUND, not an input error.
 */
export function validatePaymentRef(ref: unknown): string {
  if (typeof ref === 'string' && PAYMENT_REF_PATTERN.test(ref)) return ref;
  const got = typeof ref === 'string' ? '' : `, got ${describe(ref)}`;
  throw ValidationError.single('ref', `must be a payment ref as returned by createPayment (pay_ followed by at least ${LIMITS.refMinRandomChars} letters, digits, "-" or "_")${got}`);
}

export interface PageArgs {
  first: number;
  /** The opaque cursor after which to start, or null for the newest payments. */
  after: string | null;
}

/** Relay-style paging arguments of `payments`: first 1..100 (default 20), after an opaque cursor. */
export function validatePageArgs(args: { first?: unknown; after?: unknown } | null | undefined): PageArgs {
  const p = new ProblemList();
  const first = isAbsent(args?.first) ? LIMITS.pageSizeDefault : readPageSize(p, args?.first);
  const after = readCursor(p, args?.after);
  p.throwIfAny();
  if (first === undefined || after === undefined) throw new Error('validatePageArgs: a reader returned nothing without a problem');
  return { first, after };
}

function readPageSize(p: ProblemList, value: unknown): number | undefined {
  const first = readInteger(p, 'first', value);
  if (first === undefined) return undefined;
  if (first < 1 || first > LIMITS.pageSizeMax) return p.add('first', `must be between 1 and ${LIMITS.pageSizeMax}, got ${first}`);
  return first;
}

/** An empty string is taken as "no cursor", as some clients send it for the first page. */
function readCursor(p: ProblemList, value: unknown): string | null | undefined {
  if (isAbsent(value) || value === '') return null;
  if (typeof value !== 'string') return p.add('after', `must be a string cursor (pageInfo.endCursor), got ${describe(value)}`);
  if (value.length > LIMITS.cursorMaxChars || !CURSOR_PATTERN.test(value)) {
    return p.add('after', 'must be a cursor returned in pageInfo.endCursor');
  }
  return value;
}

/**
 * The `Idempotency-Key` header: absent is null (no idempotency), otherwise 1..255 printable ASCII
 * characters. Node gives a repeated header as one comma-joined string, or an array for some
 * headers; an array is refused rather than guessing which key the client meant.
 */
export function validateIdempotencyKey(header: unknown): string | null {
  if (header === undefined || header === null) return null;
  const field = 'Idempotency-Key';
  if (typeof header !== 'string') throw ValidationError.single(field, `must be a single header value, got ${describe(header)}`);
  if (header.length === 0 || header.trim() === '') throw ValidationError.single(field, 'must not be empty');
  if (header.length > LIMITS.idempotencyKeyMaxChars) {
    throw ValidationError.single(field, `must be at most ${LIMITS.idempotencyKeyMaxChars} characters, got ${header.length}`);
  }
  if (!IDEMPOTENCY_KEY_PATTERN.test(header)) throw ValidationError.single(field, 'must contain only printable ASCII characters');
  return header;
}
