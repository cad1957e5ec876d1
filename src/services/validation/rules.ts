/**
 * The building blocks of the input schemas: integers, single-line text, http(s) URLs and e-mail
 * addresses, each a zod schema that reports exactly one problem per field (every check aborts the
 * ones after it) with the wording the API documents, and carries in its metadata the JSON Schema
 * facts zod cannot derive from a refinement (a length counted in code points, a pattern), so that the
 * OpenAPI document generated from these schemas (json-schema.ts) states the same rule.
 */
import { z } from 'zod';

/** C0 and C1 control characters, as the body of a regular-expression character class (`[…]`). */
export const CONTROL_CHARACTERS = '\\u0000-\\u001f\\u007f-\\u009f';

const CONTROL = new RegExp(`[${CONTROL_CHARACTERS}]`);
/** In /u mode a well-formed pair is one code point, so this finds only unpaired surrogates. */
export const LONE_SURROGATE = /\p{Cs}/u;

/** Single-line text as `text()` checks it, for JSON Schema: no control characters, and not blank. */
const SINGLE_LINE_TEXT_PATTERN = `^[^${CONTROL_CHARACTERS}]*[^\\s${CONTROL_CHARACTERS}][^${CONTROL_CHARACTERS}]*$`;
/** `httpUrl()` for JSON Schema: http(s)://, no whitespace, backslash or control character (parsing is the code's). */
const HTTP_URL_PATTERN = `^[Hh][Tt][Tt][Pp][Ss]?://[^\\s\\\\${CONTROL_CHARACTERS}]+$`;

/** How a message names a value the caller sent. */
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

/** GraphQL sends explicit nulls, type-graphql leaves undeclared optional fields undefined: both mean absent. */
export function isAbsent(value: unknown): value is null | undefined {
  return value === null || value === undefined;
}

/** The message of a wrong type: absent is "is required", anything else names what came. */
export function typeMessage(expected: string) {
  return (issue: { input?: unknown }): string => (isAbsent(issue.input) ? 'is required' : `must be ${expected}, got ${describe(issue.input)}`);
}

/**
 * Every check runs only while the value has no problem yet: one problem per field, the first rule it
 * breaks. (Not zod's `abort`, which would also stop the checks of the enclosing object, such as the
 * money rules, that must still run so that every problem is reported at once.)
 */
export const FIRST = { when: (payload: z.core.ParsePayload) => payload.issues.length === 0 };

/**
 * An integer, exactly: JSON numbers only (not "1050"), no fractions, nothing beyond 2^53 where
 * doubles stop counting one by one (9007199254740993 arrives as ...992). `hint` follows the
 * messages about the unit. Ranges are the caller's (`.min`, `.max` with FIRST).
 */
export function integer(hint = '') {
  return z
    .number({
      error: (issue) => {
        if (isAbsent(issue.input)) return 'is required';
        if (typeof issue.input === 'string') return `must be a JSON number, not a string${hint}`;
        return `must be an integer, got ${describe(issue.input)}${typeof issue.input === 'number' ? hint : ''}`;
      },
    })
    // A refinement, not zod's .int(), whose problem would stop the checks of the enclosing object.
    .refine((value) => Number.isSafeInteger(value), {
      ...FIRST,
      error: (issue) =>
        Number.isInteger(issue.input)
          ? 'is too large: integers beyond 2^53 - 1 (9007199254740991) cannot be represented exactly'
          : `must be an integer, got ${describe(issue.input)}${hint}`,
    })
    .meta({ type: 'integer' });
}

/** Counts Unicode code points (what people and MySQL's utf8mb4 call characters), stopping past `max`. */
function exceedsChars(text: string, max: number): boolean {
  if (text.length <= max) return false; // code points never outnumber UTF-16 units
  if (text.length > max * 2) return true; // at most two units per code point
  let count = 0;
  for (const _ of text) if (++count > max) return true;
  return false;
}

function charCount(text: string): number {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}

/**
 * A required, non-blank, single-line string of at most `maxChars` code points, valid Unicode
 * (unpaired surrogates cannot be encoded as UTF-8: the database and Stripe's form encoding choke).
 */
export function text(maxChars: number) {
  return z
    .string({ error: typeMessage('a string') })
    .refine((value) => !exceedsChars(value, maxChars), {
      ...FIRST,
      error: (issue) => {
        const value = issue.input as string;
        return `must be at most ${maxChars} characters, got ${value.length > 100_000 ? 'far more' : String(charCount(value))}`;
      },
    })
    .refine((value) => value.trim() !== '', { ...FIRST, error: 'must not be empty' })
    .refine((value) => !LONE_SURROGATE.test(value), { ...FIRST, error: 'must be valid Unicode text (it has an unpaired surrogate)' })
    .refine((value) => !CONTROL.test(value), { ...FIRST, error: 'must not contain control characters such as newlines or tabs' })
    .meta({ minLength: 1, maxLength: maxChars, pattern: SINGLE_LINE_TEXT_PATTERN });
}

const URL_EXAMPLE = 'such as https://shop.example/checkout/done';

/** Why `value` is not an acceptable redirect target, or null. */
function httpUrlProblem(value: string, maxChars: number): string | null {
  // WHATWG silently drops inner tabs/newlines and reads "\" as "/"; other parsers on the way
  // (proxies, the customer's browser history, Stripe) may not agree, so neither is accepted.
  if (/\s/.test(value)) return 'must not contain spaces; percent-encode them (%20)';
  if (value.includes('\\')) return 'must not contain backslashes';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `must be an absolute URL ${URL_EXAMPLE}`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return `must be an http or https URL, not ${url.protocol.slice(0, -1)}: (${URL_EXAMPLE})`;
  }
  // "https:shop.example" parses, leniently, as https://shop.example/; require the plain form.
  if (!/^https?:\/\//i.test(value)) return `must be an absolute URL ${URL_EXAMPLE}`;
  if (url.username !== '' || url.password !== '') return 'must not contain credentials (user:password@)';
  if (url.href.length > maxChars) return `must be at most ${maxChars} characters once normalised`;
  return null;
}

/**
 * A merchant's redirect target: absolute http(s), parsed with the WHATWG URL parser (what browsers
 * and Node use). The caller's string is kept as sent, not re-serialised, so what the merchant reads
 * back is what it wrote.
 */
export function httpUrl(maxChars: number) {
  return text(maxChars)
    .check(
      z.core._check<string>((payload) => {
        const problem = httpUrlProblem(payload.value, maxChars);
        if (problem !== null) payload.issues.push({ code: 'custom', message: problem, input: payload.value });
      }, FIRST),
    )
    .meta({ pattern: HTTP_URL_PATTERN });
}

const EMAIL_LOCAL = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const DOMAIN_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const TOP_LEVEL_LABEL = /^(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59})$/;

/**
 * A plain ASCII address (dot-atom local part, a domain with at least one dot), what Stripe and mail
 * servers take without surprises. Quoted local parts and raw Unicode addresses are refused.
 */
export function email(maxChars: number, localMaxChars: number) {
  const isAddress = (value: string): boolean => {
    const at = value.lastIndexOf('@');
    const local = value.slice(0, at);
    const labels = value.slice(at + 1).split('.');
    return (
      at > 0 &&
      local.length <= localMaxChars &&
      EMAIL_LOCAL.test(local) &&
      labels.length >= 2 &&
      labels.every((label) => DOMAIN_LABEL.test(label)) &&
      TOP_LEVEL_LABEL.test(labels[labels.length - 1])
    );
  };
  return text(maxChars)
    .refine(isAddress, { ...FIRST, error: 'must be an email address such as buyer@example.com' })
    .meta({ format: 'email', pattern: `^[^@]{1,${localMaxChars}}@[^@]+$` });
}

/**
 * An object's own data properties only, for the object schemas to read (zod reads `value[key]`, which
 * would also see inherited properties, of a polluted Object.prototype say, and run getters). Copied
 * into a null-prototype object, where even a `__proto__` key is a plain property (reported as unknown).
 * Anything else passes unchanged, for the schema to refuse. GraphQL's class instances become plain.
 */
export function ownData(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const copy: Record<string, unknown> = Object.create(null);
  for (const key of Object.keys(value)) copy[key] = Object.getOwnPropertyDescriptor(value, key)?.value;
  return copy;
}

/** An optional field: absent (undefined or null) becomes `fallback`, a fresh copy each time. */
export function withDefault<T extends z.ZodType, D>(schema: T, fallback: D) {
  const optional = schema.nullish().transform((value) => (value ?? structuredClone(fallback)) as z.output<T> | D);
  DEFAULTS.set(optional, fallback);
  return optional;
}

/** The fallback of each withDefault() schema, for the JSON Schema `default` (zod drops it from transforms). */
const DEFAULTS = new WeakMap<z.core.$ZodType, unknown>();

/** Whether `schema` (or the schema it was derived from, by `.meta()` say) lets its value be absent, and the default then. */
export function defaultOf(schema: z.core.$ZodType): { optional: false } | { optional: true; value: unknown } {
  for (let at: z.core.$ZodType | undefined = schema; at; at = at._zod.parent) {
    if (DEFAULTS.has(at)) return { optional: true, value: DEFAULTS.get(at) };
  }
  return { optional: false };
}
