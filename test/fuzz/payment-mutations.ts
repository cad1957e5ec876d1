/**
 * A valid CreatePaymentInput (paymentInput()) perturbed in exactly one place, for both doors, with
 * an independent model of what the answer must be: definitely invalid (400 naming the field),
 * definitely valid (201, echoing what was sent), or either. The model follows API.md and the
 * README's validation rules, not the validator's code, and only judges the cases it is sure of.
 */
import fc from 'fast-check';
import { isSupportedCurrency } from '../../src/domain/money';
import { displayKey } from '../../src/services/validation/problem-list';
import { hostileString, jsonText, keyText, numberText, replaceAt } from './fuzz-support';

export type Path = readonly (string | number)[];

export interface Mutation {
  path: Path;
  /** JSON text of the new value; undefined deletes the key. */
  value: string | undefined;
}

export type Verdict = 'valid' | 'invalid' | 'either';

export interface Judgement {
  verdict: Verdict;
  /** The top-level field names a 400's details may blame (besides `input`, the summary line). */
  blame: string[];
}

const MAX_AMOUNT = 99_999_999;
const TOP_FIELDS = ['orderId', 'currency', 'lineItems', 'successUrl', 'cancelUrl', 'customerEmail', 'expiresInMinutes', 'metadata'];
const REQUIRED = new Set(['orderId', 'currency', 'lineItems', 'successUrl', 'cancelUrl']);
const ITEM_FIELDS = ['name', 'unitAmount', 'quantity'];

const str = (arb: fc.Arbitrary<string>) => arb.map((s) => JSON.stringify(s));
const anyJson = jsonText({ maxDepth: 3 });

/** Text that is plainly fine for a name or an order id: printable, not blank, no controls. */
const plainText = (maxLength: number) =>
  fc.string({ unit: fc.constantFrom(...'abcXYZ019 -_./#é😀中ع\u200b'.split(/(?:)/u)), minLength: 1, maxLength }).filter((s) => s.trim() !== '');

const intText = (boundaries: number[]) => fc.oneof(fc.constantFrom(...boundaries.map(String)), numberText, fc.integer({ min: -5, max: 2000 }).map(String));

const currencyText = fc.oneof(
  fc
    .tuple(fc.constantFrom('usd', 'eur', 'jpy', 'gbp', 'huf', 'isk', 'ugx', 'bhd', 'kwd', 'krw', 'vnd', 'clp', 'mxn', 'twd', 'inr', 'xof', 'xyz', 'abc', 'usx'), fc.boolean())
    .map(([code, upper]) => JSON.stringify(upper ? code.toUpperCase() : code)),
  str(fc.string({ unit: fc.constantFrom(...'aAzZ1 é'.split('')), minLength: 2, maxLength: 4 })),
  str(hostileString()),
  anyJson,
);

const urlText = fc.oneof(
  str(fc.webUrl({ withQueryParameters: true, withFragments: true })),
  str(fc.webPath().map((path) => `https://shop.example${path.startsWith('/') ? path : `/${path}`}`)),
  str(
    fc.constantFrom(
      'https://shop.example/thanks?x=1#top',
      'http://localhost:3000/done',
      'http://127.0.0.1/x',
      'https://[::1]:8443/x',
      'https://shop.example:99999/',
      'https://shop.example/%zz',
      'https://shop.example/?q=%E2%9C%93',
      'https://shop.example/ünï',
      'https://шоп.example/',
      'https://user@shop.example/',
      'https://:pw@shop.example/',
      'ftp://shop.example/',
      'mailto:a@b.example',
      '//shop.example/x',
      '/relative',
      'https://',
      'https:/shop.example',
      'https:shop.example',
      ' https://shop.example/',
      'https://shop.example/\n',
      'https://shop.example/a\tb',
      'https://shop.example\\@evil.example/',
      `https://shop.example/${'a'.repeat(4990)}`,
      `https://shop.example/${'a'.repeat(5000)}`,
      `https://shop.example/${'é'.repeat(1700)}`,
    ),
  ),
  str(hostileString()),
  anyJson,
);

const emailText = fc.oneof(
  str(fc.emailAddress()),
  str(fc.constantFrom('buyer@example.com', 'a.b+c@sub.example.co.uk', 'x@y.z', 'no-at-sign', 'a@b', '@example.com', 'a@example..com', 'a@-x.example', `${'a'.repeat(65)}@example.com`, `a@${'b'.repeat(250)}.com`, 'üser@example.com', '"quoted"@example.com', 'a@example.com\n')),
  str(hostileString()),
  anyJson,
);

const metadataKey = fc.oneof(keyText(), fc.constantFrom('k'.repeat(40), 'k'.repeat(41), 'a[b]', 'a]', 'é'.repeat(40), '😀'.repeat(40), '😀'.repeat(21), 'tab\tkey'));
const metadataValue = fc.oneof(
  str(plainText(40)),
  str(fc.constantFrom('v'.repeat(500), 'v'.repeat(501), '😀'.repeat(500), '😀'.repeat(251), 'line\nbreak', '\ud800')),
  str(hostileString()),
  anyJson,
);
const metadataObject = fc.oneof(
  fc.array(fc.tuple(metadataKey, metadataValue), { maxLength: 8 }).map((entries) => `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`),
  fc.constantFrom(49, 50, 51, 200).map((n) => JSON.stringify(Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 'v'])))),
  anyJson,
);

const lineItemText = fc.oneof(
  fc
    .tuple(str(plainText(30)), intText([1, 50, 700, 2500]), intText([1, 2, 999]))
    .map(([name, unitAmount, quantity]) => `{"name":${name},"unitAmount":${unitAmount},"quantity":${quantity}}`),
  anyJson,
);

const lineItemsText = fc.oneof(
  fc.array(lineItemText, { maxLength: 4 }).map((items) => `[${items.join(',')}]`),
  fc.constantFrom(0, 1, 100, 101, 5000).map((n) => JSON.stringify(Array.from({ length: n }, () => ({ name: 'Thing', unitAmount: 1000, quantity: 1 })))),
  anyJson,
);

/** A value for a top-level field, typed for the field most of the time and anything at all otherwise. */
function valueFor(field: string): fc.Arbitrary<string> {
  switch (field) {
    case 'orderId':
      return fc.oneof(str(plainText(20)), str(hostileString()), anyJson);
    case 'currency':
      return currencyText;
    case 'lineItems':
      return lineItemsText;
    case 'successUrl':
    case 'cancelUrl':
      return urlText;
    case 'customerEmail':
      return emailText;
    case 'expiresInMinutes':
      return fc.oneof(intText([29, 30, 31, 60, 1439, 1440, 1441, 0, -30]), str(fc.constantFrom('60', 'NaN', 'Infinity')), anyJson);
    case 'metadata':
      return metadataObject;
    default:
      return anyJson;
  }
}

function itemValueFor(field: string): fc.Arbitrary<string> {
  switch (field) {
    case 'name':
      return fc.oneof(str(plainText(30)), str(hostileString()), anyJson);
    case 'unitAmount':
      return fc.oneof(intText([0, 1, 49, 50, 51, 99_999_999, 100_000_000, 49_999_999, 2_147_483_647]), str(fc.constantFrom('2500', 'NaN', 'Infinity')), anyJson);
    case 'quantity':
      return fc.oneof(intText([0, 1, 998, 999, 1000, -1]), str(fc.constantFrom('1', 'NaN')), anyJson);
    default:
      return anyJson;
  }
}

/** One perturbation of the base input. */
export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  // replace a top-level field
  { weight: 8, arbitrary: fc.constantFrom(...TOP_FIELDS).chain((field) => valueFor(field).map((value): Mutation => ({ path: [field], value }))) },
  // replace a line item's field
  {
    weight: 6,
    arbitrary: fc
      .tuple(fc.constantFrom(0, 1), fc.constantFrom(...ITEM_FIELDS))
      .chain(([index, field]) => itemValueFor(field).map((value): Mutation => ({ path: ['lineItems', index, field], value }))),
  },
  // a whole line item, in place or beyond the end (a sparse array writes `null` holes)
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom(0, 1, 2, 5), lineItemText).map(([index, value]): Mutation => ({ path: ['lineItems', index], value })) },
  // one metadata entry
  { weight: 3, arbitrary: fc.tuple(metadataKey, metadataValue).map(([key, value]): Mutation => ({ path: ['metadata', key], value })) },
  // an unknown key, at the top or in a line item (prototype-pollution names included)
  { weight: 2, arbitrary: fc.tuple(keyText(), anyJson).map(([key, value]): Mutation => ({ path: [key], value })) },
  { weight: 1, arbitrary: fc.tuple(keyText(), anyJson).map(([key, value]): Mutation => ({ path: ['lineItems', 0, key], value })) },
  // a key removed
  { weight: 2, arbitrary: fc.constantFrom(...TOP_FIELDS).map((field): Mutation => ({ path: [field], value: undefined })) },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.constantFrom(0, 1), fc.constantFrom(...ITEM_FIELDS)).map(([index, field]): Mutation => ({ path: ['lineItems', index, field], value: undefined })),
  },
  { weight: 1, arbitrary: fc.constantFrom(0, 1).map((index): Mutation => ({ path: ['lineItems', index], value: undefined })) },
);

/** The mutated input as JSON text, and as the server's JSON.parse sees it. */
export function applyMutation(base: Record<string, unknown>, mutation: Mutation): { text: string; parsed: any } {
  const text = replaceAt(base, mutation.path, mutation.value);
  return { text, parsed: JSON.parse(text) };
}

// ---------------------------------------------------------------------------------------------
// The model

const own = (obj: unknown, key: string | number): unknown =>
  obj !== null && typeof obj === 'object' ? Object.getOwnPropertyDescriptor(obj, key)?.value : undefined;
const hasOwn = (obj: unknown, key: string | number) => obj !== null && typeof obj === 'object' && Object.prototype.hasOwnProperty.call(obj, key);
const codePoints = (s: string) => Array.from(s).length;
const LONE_SURROGATE = /\p{Cs}/u;
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** API.md/README text rules: a non-blank string of 1..max code points, valid Unicode, no control characters. */
function judgeText(value: unknown, max: number, required = true): Verdict {
  if (value === null || value === undefined) return required ? 'invalid' : 'valid';
  if (typeof value !== 'string') return 'invalid';
  if (codePoints(value) > max || value.trim() === '' || LONE_SURROGATE.test(value) || CONTROL.test(value)) return 'invalid';
  return 'valid';
}

function judgeInteger(value: unknown, min: number, max: number, required = true): Verdict {
  if (value === null || value === undefined) return required ? 'invalid' : 'valid';
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max ? 'valid' : 'invalid';
}

const SIMPLE_URL = /^https?:\/\/[A-Za-z0-9.-]+(?::\d{1,5})?(?:\/[A-Za-z0-9._~\/%-]*)?(?:\?[A-Za-z0-9=&._~%-]*)?(?:#[A-Za-z0-9._~-]*)?$/;
function judgeUrl(value: unknown): Verdict {
  if (value === null || value === undefined || typeof value !== 'string') return 'invalid';
  if (!/^https?:\/\//i.test(value) || /\s/.test(value) || codePoints(value) > 5000) return 'invalid';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'invalid';
  }
  if (url.username || url.password) return 'invalid';
  if (LONE_SURROGATE.test(value) || CONTROL.test(value)) return 'invalid';
  return SIMPLE_URL.test(value) && !/%(?![0-9A-Fa-f]{2})/.test(value) && url.href.length <= 5000 ? 'valid' : 'either';
}

const SIMPLE_EMAIL = /^[a-z0-9]{1,20}(?:[.+][a-z0-9]{1,10})?@[a-z0-9]{1,20}(?:\.[a-z0-9]{1,10})*\.[a-z]{2,6}$/i;
function judgeEmail(value: unknown): Verdict {
  if (value === null || value === undefined) return 'valid';
  if (typeof value !== 'string') return 'invalid';
  if (!value.includes('@') || codePoints(value) > 254 || value.trim() === '' || CONTROL.test(value) || LONE_SURROGATE.test(value)) return 'invalid';
  return SIMPLE_EMAIL.test(value) ? 'valid' : 'either';
}

function judgeMetadata(value: unknown): Verdict {
  if (value === null || value === undefined) return 'valid';
  if (typeof value !== 'object' || Array.isArray(value)) return 'invalid';
  const keys = Object.keys(value);
  if (keys.length > 50) return 'invalid';
  let verdict: Verdict = 'valid';
  for (const key of keys) {
    const v = own(value, key);
    // Metadata lengths count UTF-16 code units (README), unlike the other texts.
    if (key === '' || ['__proto__', 'constructor', 'prototype'].includes(key) || key.length > 40 || /[[\]]/.test(key)) return 'invalid';
    if (typeof v !== 'string' || v.length > 500 || LONE_SURROGATE.test(v)) return 'invalid';
    // Keys with control characters or lone surrogates: refused by the code, not stated by the docs.
    if (CONTROL.test(key) || LONE_SURROGATE.test(key)) verdict = 'either';
  }
  return verdict;
}

function judgeCurrency(value: unknown): Judgement {
  const blame = ['currency', 'lineItems'];
  if (typeof value !== 'string' || !/^[A-Za-z]{3}$/.test(value) || !isSupportedCurrency(value)) return { verdict: 'invalid', blame };
  // The base's total (5700 minor units) is under Stripe's minimum charge only for HUF (17500).
  return { verdict: value.toUpperCase() === 'HUF' ? 'invalid' : 'valid', blame };
}

/** The line items as the server sees them (after the mutation): valid, invalid or either. */
function judgeLineItems(items: unknown): Verdict {
  if (!Array.isArray(items)) return 'invalid';
  if (items.length < 1 || items.length > 100) return 'invalid';
  let total = 0;
  let verdict: Verdict = 'valid';
  for (let i = 0; i < items.length; i += 1) {
    const item = items[i];
    if (item === null || typeof item !== 'object' || Array.isArray(item)) return 'invalid';
    if (Object.keys(item).some((key) => !ITEM_FIELDS.includes(key))) return 'invalid';
    const name = judgeText(own(item, 'name'), 250);
    const unitAmount = judgeInteger(own(item, 'unitAmount'), 1, MAX_AMOUNT);
    const quantity = judgeInteger(own(item, 'quantity'), 1, 999);
    if (name === 'invalid' || unitAmount === 'invalid' || quantity === 'invalid') return 'invalid';
    if (name === 'either') verdict = 'either';
    total += (own(item, 'unitAmount') as number) * (own(item, 'quantity') as number);
  }
  // USD (the base's currency): at least 50 cents, at most 99 999 999.
  if (total < 50 || total > MAX_AMOUNT) return 'invalid';
  return verdict;
}

/** What the answer to the mutated input must be. `parsed` is the body as JSON.parse reads it. */
export function judge(mutation: Mutation, parsed: any): Judgement {
  const [top] = mutation.path;
  const field = String(top);
  if (!TOP_FIELDS.includes(field)) {
    // An unknown top-level key: refused and named (as the API shows caller keys: displayKey).
    return { verdict: mutation.value === undefined ? 'valid' : 'invalid', blame: [displayKey(field)] };
  }
  const value = own(parsed, field);
  if (!hasOwn(parsed, field)) return { verdict: REQUIRED.has(field) ? 'invalid' : 'valid', blame: [field] };
  switch (field) {
    case 'orderId':
      return { verdict: judgeText(value, 128), blame: [field] };
    case 'currency':
      return judgeCurrency(value);
    case 'lineItems':
      return { verdict: judgeLineItems(value), blame: [field] };
    case 'successUrl':
    case 'cancelUrl':
      return { verdict: judgeUrl(value), blame: [field] };
    case 'customerEmail':
      return { verdict: judgeEmail(value), blame: [field] };
    case 'expiresInMinutes':
      return { verdict: judgeInteger(value, 30, 1440, false), blame: [field] };
    case 'metadata':
      return { verdict: judgeMetadata(value), blame: [field] };
    default:
      return { verdict: 'either', blame: [field] };
  }
}

/** A 400's details must name the mutated field (or `input`, the summary of problems not listed). */
export function blameProblems(judgement: Judgement, details: unknown): string[] {
  if (!Array.isArray(details) || details.length === 0) return ['a BAD_USER_INPUT without details'];
  const problems: string[] = [];
  for (const detail of details) {
    if (typeof detail?.field !== 'string' || typeof detail?.message !== 'string') problems.push(`a detail without field and message: ${JSON.stringify(detail)}`);
  }
  const blamed = details.map((detail: { field: string }) => String(detail.field));
  const fits = blamed.some((name) => name === 'input' || judgement.blame.some((field) => name === field || name.startsWith(`${field}.`)));
  if (!fits) problems.push(`the details blame ${JSON.stringify(blamed)}, expected one of ${JSON.stringify(judgement.blame)}`);
  return problems;
}

/** A created payment must be exactly what was sent (normalised as API.md says). */
export function echoProblems(sent: any, payment: any): string[] {
  const problems: string[] = [];
  const expect = (what: string, got: unknown, want: unknown) => {
    if (JSON.stringify(got) !== JSON.stringify(want)) problems.push(`${what}: sent ${JSON.stringify(want)}, stored ${JSON.stringify(got)}`);
  };
  expect('orderId', payment.orderId, sent.orderId);
  expect('currency', payment.currency, String(sent.currency).toUpperCase());
  const items = (sent.lineItems as any[]).map((item) => ({ name: item.name, unitAmount: item.unitAmount, quantity: item.quantity }));
  expect('lineItems', payment.lineItems, items);
  expect('amount', payment.amount, items.reduce((sum, item) => sum + item.unitAmount * item.quantity, 0));
  expect('successUrl', payment.successUrl, sent.successUrl);
  expect('cancelUrl', payment.cancelUrl, sent.cancelUrl);
  expect('customerEmail', payment.customerEmail, sent.customerEmail ?? null);
  const metadata = sent.metadata ?? {};
  expect('metadata', sortKeys(payment.metadata), sortKeys(metadata));
  const minutes = sent.expiresInMinutes ?? 60;
  const window = (Date.parse(payment.expiresAt) - Date.parse(payment.createdAt)) / 60_000;
  if (Math.abs(window - minutes) > 0.05) problems.push(`expiresAt is ${window} minutes after createdAt, sent expiresInMinutes ${minutes}`);
  if (payment.status !== 'PENDING') problems.push(`status ${payment.status} right after creation`);
  if (typeof payment.checkoutUrl !== 'string') problems.push('no checkoutUrl');
  return problems;
}

function sortKeys(obj: unknown): unknown {
  if (obj === null || typeof obj !== 'object') return obj;
  return Object.keys(obj)
    .sort()
    .map((key) => [key, own(obj, key)]);
}

