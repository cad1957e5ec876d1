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

/**
 * Relay paging arguments of `payments`: `first` (forwards) or `last` (backwards), not both, each
 * 1..100; neither means the first 20. `after` and `before` are opaque cursors.
 */
export function validatePageArgs(args: PageArgsInput | null | undefined): PageArgs {
  const p = new ProblemList();
  const first = isAbsent(args?.first) ? null : readPageSize(p, 'first', args?.first);
  const last = isAbsent(args?.last) ? null : readPageSize(p, 'last', args?.last);
  if (!isAbsent(args?.first) && !isAbsent(args?.last)) p.add('last', 'cannot be given with first: page forwards (first, after) or backwards (last, before)');
  const after = readCursor(p, 'after', args?.after);
  const before = readCursor(p, 'before', args?.before);
  p.throwIfAny();
  if (first === undefined || last === undefined || after === undefined || before === undefined) {
    throw new Error('validatePageArgs: a reader returned nothing without a problem');
  }
  if (last !== null) return { direction: 'backward', size: last, after, before };
  return { direction: 'forward', size: first ?? LIMITS.pageSizeDefault, after, before };
}

function readPageSize(p: ProblemList, field: 'first' | 'last', value: unknown): number | undefined {
  const size = readInteger(p, field, value);
  if (size === undefined) return undefined;
  if (size < 1 || size > LIMITS.pageSizeMax) return p.add(field, `must be between 1 and ${LIMITS.pageSizeMax}, got ${size}`);
  return size;
}

/** An empty string is taken as "no cursor", as some clients send it for the first page. */
function readCursor(p: ProblemList, field: 'after' | 'before', value: unknown): string | null | undefined {
  if (isAbsent(value) || value === '') return null;
  const where = field === 'after' ? 'pageInfo.endCursor' : 'pageInfo.startCursor';
  if (typeof value !== 'string') return p.add(field, `must be a string cursor (${where}), got ${describe(value)}`);
  if (value.length > LIMITS.cursorMaxChars || !CURSOR_PATTERN.test(value)) return p.add(field, `must be a cursor returned in ${where}`);
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
