import { CONTROL_CHARACTERS } from './field-rules';
import { displayKey, fieldPath, ProblemList } from './problem-list';

/**
 * Readers for untrusted values. Each one either returns the value in its checked type, or records
 * exactly one problem for the field and returns undefined, never both and never neither: callers
 * rely on that to know that "no problems" means "every value is present".
 */

/** Any non-array object. GraphQL hands over class instances (type-graphql inputs), REST plain objects. */
export function isObjectLike(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A JSON object: Object.prototype or null prototype (graphql-scalars builds JSONObject literals so). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (!isObjectLike(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Own data only: `obj[key]` would also see inherited properties (a polluted Object.prototype, or the
 * `__proto__` accessor itself), and would run getters.
 */
export function ownValue(obj: object, key: string): unknown {
  return Object.getOwnPropertyDescriptor(obj, key)?.value;
}

/** GraphQL sends explicit nulls, type-graphql leaves undeclared optional fields undefined: both mean absent. */
export function isAbsent(value: unknown): value is null | undefined {
  return value === null || value === undefined;
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') return Number.isFinite(value) ? `the number ${value}` : String(value);
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'boolean') return `${value}`;
  return `a ${typeof value}`;
}

/**
 * Reports each own key of `obj` that is not in `allowed`: a typo (`lineitems`) must not be silently
 * ignored, or a merchant ships code whose field never takes effect.
 */
export function rejectUnknownFields(p: ProblemList, parent: string | null, obj: object, allowed: readonly string[]): void {
  for (const key of Object.keys(obj)) {
    if (allowed.includes(key)) continue;
    const field = parent === null ? displayKey(key) : fieldPath(parent, key);
    const guess = allowed.find((name) => squash(name) === squash(key));
    p.add(field, guess ? `is not a known field; did you mean "${guess}"?` : `is not a known field (known: ${allowed.join(', ')})`);
  }
}

function squash(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/**
 * An integer, exactly: JSON numbers only (not "1050"), no fractions, nothing beyond 2^53 where
 * doubles stop counting one by one (9007199254740993 arrives as ...992). Range checks are the caller's.
 */
export function readInteger(p: ProblemList, field: string, value: unknown, hint = ''): number | undefined {
  if (isAbsent(value)) return p.add(field, 'is required');
  if (typeof value === 'string') return p.add(field, `must be a JSON number, not a string${hint}`);
  if (typeof value !== 'number') return p.add(field, `must be an integer, got ${describe(value)}`);
  if (!Number.isInteger(value)) return p.add(field, `must be an integer, got ${describe(value)}${hint}`);
  if (!Number.isSafeInteger(value)) {
    return p.add(field, 'is too large: integers beyond 2^53 - 1 (9007199254740991) cannot be represented exactly');
  }
  return value;
}

export interface TextRule {
  maxChars: number;
  /** Newlines, tabs and other C0/C1 controls; off for identifiers and display names. */
  allowControl?: boolean;
}

/** Counts Unicode code points (what people and MySQL's utf8mb4 call characters), stopping past `max`. */
export function exceedsChars(text: string, max: number): boolean {
  if (text.length <= max) return false; // code points never outnumber UTF-16 units
  if (text.length > max * 2) return true; // at most two units per code point
  let count = 0;
  for (const _ of text) if (++count > max) return true;
  return false;
}

export function charCount(text: string): number {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}

const CONTROL = new RegExp(`[${CONTROL_CHARACTERS}]`);
/** In /u mode a well-formed pair is one code point, so this finds only unpaired surrogates. */
const LONE_SURROGATE = /\p{Cs}/u;

/** A required, non-blank string within bounds. */
export function readText(p: ProblemList, field: string, value: unknown, rule: TextRule): string | undefined {
  if (isAbsent(value)) return p.add(field, 'is required');
  if (typeof value !== 'string') return p.add(field, `must be a string, got ${describe(value)}`);
  if (exceedsChars(value, rule.maxChars)) {
    const got = value.length > 100_000 ? 'far more' : String(charCount(value));
    return p.add(field, `must be at most ${rule.maxChars} characters, got ${got}`);
  }
  if (value.trim() === '') return p.add(field, 'must not be empty');
  // Unpaired surrogates cannot be encoded as UTF-8: the database and Stripe's form encoding choke on them.
  if (LONE_SURROGATE.test(value)) return p.add(field, 'must be valid Unicode text (it has an unpaired surrogate)');
  if (!rule.allowControl && CONTROL.test(value)) {
    return p.add(field, 'must not contain control characters such as newlines or tabs');
  }
  return value;
}

/**
 * A merchant's redirect target: absolute http(s), parsed with the WHATWG URL parser (what browsers
 * and Node use). The caller's string is returned as sent, not re-serialised, so what the merchant
 * reads back is what it wrote.
 */
export function readHttpUrl(p: ProblemList, field: string, value: unknown, maxChars: number): string | undefined {
  const text = readText(p, field, value, { maxChars });
  if (text === undefined) return undefined;
  const example = 'such as https://shop.example/checkout/done';
  // WHATWG silently drops inner tabs/newlines and reads "\" as "/"; other parsers on the way
  // (proxies, the customer's browser history, Stripe) may not agree, so neither is accepted.
  if (/\s/.test(text)) return p.add(field, 'must not contain spaces; percent-encode them (%20)');
  if (text.includes('\\')) return p.add(field, 'must not contain backslashes');
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return p.add(field, `must be an absolute URL ${example}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return p.add(field, `must be an http or https URL, not ${url.protocol.slice(0, -1)}: (${example})`);
  }
  // "https:shop.example" parses, leniently, as https://shop.example/; require the plain form.
  if (!/^https?:\/\//i.test(text)) return p.add(field, `must be an absolute URL ${example}`);
  if (url.username !== '' || url.password !== '') {
    return p.add(field, 'must not contain credentials (user:password@)');
  }
  if (url.href.length > maxChars) return p.add(field, `must be at most ${maxChars} characters once normalised`);
  return text;
}

const EMAIL_LOCAL = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const DOMAIN_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const TOP_LEVEL_LABEL = /^(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59})$/;

/**
 * A plain ASCII address (dot-atom local part, a domain with at least one dot), what Stripe and mail
 * servers take without surprises. Quoted local parts and raw Unicode addresses are refused.
 */
export function readEmail(p: ProblemList, field: string, value: unknown, maxChars: number, localMaxChars: number): string | undefined {
  const text = readText(p, field, value, { maxChars });
  if (text === undefined) return undefined;
  const at = text.lastIndexOf('@');
  const local = text.slice(0, at);
  const labels = text.slice(at + 1).split('.');
  const valid =
    at > 0 &&
    local.length <= localMaxChars &&
    EMAIL_LOCAL.test(local) &&
    labels.length >= 2 &&
    labels.every((label) => DOMAIN_LABEL.test(label)) &&
    TOP_LEVEL_LABEL.test(labels[labels.length - 1]);
  return valid ? text : p.add(field, 'must be an email address such as buyer@example.com');
}
