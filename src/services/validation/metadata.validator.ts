import { CONTROL_CHARACTERS, METADATA_KEY_FORBIDDEN_CHARACTERS } from './field-rules';
import { FORBIDDEN_KEYS, LIMITS } from './limits';
import { fieldPath, ProblemList } from './problem-list';
import { describe, isAbsent, isPlainObject, ownValue } from './value-readers';

const FIELD = 'metadata';
const UNITS_NOTE = ' (characters outside the Basic Multilingual Plane, such as emoji, count as 2)';

/** Length in UTF-16 code units (JavaScript's `length`): never less than the code point count. */
function exceedsUnits(text: string, max: number): boolean {
  return text.length > max;
}
const FORBIDDEN_IN_KEY = new RegExp(`[${METADATA_KEY_FORBIDDEN_CHARACTERS}]`);
const UNPRINTABLE_IN_KEY = new RegExp(`\\p{Cs}|[${CONTROL_CHARACTERS}]`, 'u');

/**
 * The merchant's metadata, passed to Stripe as is, so Stripe's limits apply: at most 50 keys, keys of
 * 1..40 characters without square brackets (Stripe reads `a[b]` as nesting), string values of at most
 * 500 characters. Absent means an empty object.
 *
 * Unlike the gateway's own texts (counted in code points), key and value lengths are counted in
 * UTF-16 code units, where an emoji counts 2: that is how the Stripe emulator counts them, and it is
 * the strictest count Stripe may apply, so a value the gateway accepts is never refused at Stripe
 * (which would turn a valid-looking request into a FAILED payment and a 502 PROVIDER_ERROR).
 *
 * The result is built with Object.fromEntries over the input's own keys: a `__proto__` key is refused
 * by name, and even if it were not, fromEntries defines data properties and never calls the
 * `__proto__` setter, so no prototype is touched.
 */
export function readMetadata(p: ProblemList, value: unknown): Record<string, string> | undefined {
  if (isAbsent(value)) return {};
  if (!isPlainObject(value)) {
    return p.add(FIELD, `must be a JSON object of string keys to string values, got ${describe(value)}`);
  }
  const before = p.count;
  const keys = Object.keys(value);
  if (keys.length > LIMITS.metadataMaxKeys) {
    p.add(FIELD, `must have at most ${LIMITS.metadataMaxKeys} keys, got ${keys.length}`);
  }
  const entries: [string, string][] = [];
  for (const key of keys) {
    const entry = readEntry(p, key, ownValue(value, key));
    if (entry) entries.push(entry);
  }
  return p.count > before ? undefined : Object.fromEntries(entries);
}

function readEntry(p: ProblemList, key: string, value: unknown): [string, string] | undefined {
  const field = fieldPath(FIELD, key);
  if (key === '') return p.add(FIELD, 'keys must not be empty');
  if (FORBIDDEN_KEYS.has(key)) return p.add(field, `"${key}" is a reserved name and cannot be a metadata key`);
  if (exceedsUnits(key, LIMITS.metadataKeyMaxChars)) {
    return p.add(field, `key must be at most ${LIMITS.metadataKeyMaxChars} characters${UNITS_NOTE}`);
  }
  if (FORBIDDEN_IN_KEY.test(key)) return p.add(field, 'key must not contain "[" or "]" (Stripe forbids them in metadata keys)');
  if (UNPRINTABLE_IN_KEY.test(key)) return p.add(field, 'key must be printable Unicode text');
  if (typeof value !== 'string') {
    return p.add(field, `value must be a string, got ${describe(value)} (send numbers and flags as strings, e.g. "42")`);
  }
  if (exceedsUnits(value, LIMITS.metadataValueMaxChars)) {
    return p.add(field, `value must be at most ${LIMITS.metadataValueMaxChars} characters${UNITS_NOTE}`);
  }
  // Values may hold newlines (addresses, notes); only unpaired surrogates are unencodable.
  if (/\p{Cs}/u.test(value)) return p.add(field, 'value must be valid Unicode text (it has an unpaired surrogate)');
  return [key, value];
}
