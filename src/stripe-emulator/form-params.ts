import qs from 'qs';
import { invalidParam, missingParam, unknownParam } from './stripe-error';

/**
 * Stripe's form encoding nests with brackets: `line_items[99][price_data][currency]=usd`.
 * qs turns indices above `arrayLimit` (default 20) into object keys and stops at
 * `parameterLimit` (default 1000), so 100 line items would not parse as a list: raise both.
 */
export const QS_OPTIONS: qs.IParseOptions = {
  arrayLimit: 1000,
  parameterLimit: 20000,
  depth: 10,
  allowPrototypes: false,
  allowDots: false,
};

export type FormValue = string | FormValue[] | { [key: string]: FormValue };
export type FormParams = { [key: string]: FormValue };

export function parseForm(text: string): FormParams {
  return qs.parse(text, QS_OPTIONS) as FormParams;
}

/** Canonical text of parsed parameters: equal for equal parameters whatever their order on the wire. */
export function canonicalParams(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalParams).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value as object)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalParams((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export function isHash(value: FormValue | undefined): value is { [key: string]: FormValue } {
  return value !== undefined && typeof value === 'object' && !Array.isArray(value);
}

/** Refuses any key not in `allowed`, naming it the way Stripe does (`parent[key]`). */
export function rejectUnknown(params: FormParams, allowed: readonly string[], prefix = ''): void {
  for (const key of Object.keys(params)) {
    if (!allowed.includes(key)) unknownParamError(prefix, key);
  }
}

function unknownParamError(prefix: string, key: string): never {
  throw unknownParam(prefix ? `${prefix}[${key}]` : key);
}

export function readString(
  value: FormValue | undefined,
  param: string,
  opts: { required?: boolean; maxLength?: number } = {},
): string | null {
  if (value === undefined || value === '') {
    if (opts.required) throw missingParam(param);
    return null;
  }
  if (typeof value !== 'string') throw invalidParam(param, `Invalid string: ${param} must be a string`);
  if (opts.maxLength !== undefined && value.length > opts.maxLength) {
    throw invalidParam(
      param,
      `Invalid string: ${value.slice(0, 40)}...; must be at most ${opts.maxLength} characters`,
    );
  }
  return value;
}

export function readInteger(
  value: FormValue | undefined,
  param: string,
  opts: { required?: boolean; min?: number; max?: number } = {},
): number | null {
  if (value === undefined || value === '') {
    if (opts.required) throw missingParam(param);
    return null;
  }
  if (typeof value !== 'string' || !/^-?\d+$/.test(value)) {
    throw invalidParam(param, `Invalid integer: ${String(value)}`, 'parameter_invalid_integer');
  }
  const n = Number(value);
  if (!Number.isSafeInteger(n)) {
    throw invalidParam(param, `Invalid integer: ${value}`, 'parameter_invalid_integer');
  }
  if (opts.min !== undefined && n < opts.min) {
    throw invalidParam(param, `This value must be greater than or equal to ${opts.min}.`);
  }
  if (opts.max !== undefined && n > opts.max) {
    throw invalidParam(param, `This value must be less than or equal to ${opts.max}.`);
  }
  return n;
}

/** One of `allowed`, refused as Stripe refuses an unknown enum value: the parameter named, the values listed. */
export function readEnum<T extends string>(
  value: FormValue | undefined,
  param: string,
  allowed: readonly T[],
  opts: { required?: boolean } = {},
): T | null {
  const text = readString(value, param, opts);
  if (text === null) return null;
  if (!(allowed as readonly string[]).includes(text)) throw invalidEnum(param, allowed);
  return text as T;
}

/** A list of enum values (`payment_method_types[0]=card`), each checked and named by its index. */
export function readEnumList<T extends string>(
  value: FormValue | undefined,
  param: string,
  allowed: readonly T[],
): T[] | null {
  if (value === undefined || value === '') return null;
  if (!Array.isArray(value)) throw invalidParam(param, `Invalid array: ${param} must be an array`);
  return value.map((item, i) => readEnum(item, `${param}[${i}]`, allowed, { required: true })!);
}

function invalidEnum(param: string, allowed: readonly string[]): never {
  const listed = allowed.length > 1 ? `${allowed.slice(0, -1).join(', ')}, or ${allowed[allowed.length - 1]}` : allowed.join('');
  throw invalidParam(param, `Invalid ${param}: must be one of ${listed}`);
}

/** Stripe's form booleans: the words `true` and `false`. */
export function readBoolean(value: FormValue | undefined, param: string): boolean | null {
  const text = readString(value, param);
  if (text === null) return null;
  if (text === 'true') return true;
  if (text === 'false') return false;
  throw invalidParam(param, `Invalid boolean: ${text.slice(0, 40)}`);
}

/** `expand[]=line_items` arrives as a list; a lone value is accepted too, as Stripe does. */
export function readExpand(value: FormValue | undefined): string[] {
  if (value === undefined) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.map((v, i) => {
    if (typeof v !== 'string') throw invalidParam(`expand[${i}]`, 'Invalid string');
    return v;
  });
}

const METADATA_MAX_KEYS = 50;
const METADATA_MAX_KEY_LENGTH = 40;
const METADATA_MAX_VALUE_LENGTH = 500;

/** Stripe's metadata limits: 50 keys, keys up to 40 characters, values up to 500. */
export function readMetadata(value: FormValue | undefined, param: string): Record<string, string> {
  if (value === undefined || value === '') return {};
  if (!isHash(value)) throw invalidParam(param, `Invalid hash: ${param} must be a hash`);
  const keys = Object.keys(value);
  if (keys.length > METADATA_MAX_KEYS) {
    throw invalidParam(
      param,
      `Invalid ${param}: metadata can have up to ${METADATA_MAX_KEYS} keys, but you passed in ${keys.length} keys.`,
    );
  }
  const out: Record<string, string> = {};
  for (const key of keys) {
    const v = value[key];
    if (key.length > METADATA_MAX_KEY_LENGTH) {
      throw invalidParam(
        `${param}[${key}]`,
        `Metadata keys can have up to ${METADATA_MAX_KEY_LENGTH} characters, but the key '${key.slice(0, 60)}' has ${key.length}.`,
      );
    }
    if (typeof v !== 'string') {
      throw invalidParam(`${param}[${key}]`, 'Metadata values must be strings.');
    }
    if (v.length > METADATA_MAX_VALUE_LENGTH) {
      throw invalidParam(
        `${param}[${key}]`,
        `Metadata values can have up to ${METADATA_MAX_VALUE_LENGTH} characters, but you passed in a value that is ${v.length} characters.`,
      );
    }
    // An empty value unsets a key at Stripe, so on create it simply is not stored.
    if (v !== '') out[key] = v;
  }
  return out;
}
