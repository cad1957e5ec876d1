/**
 * Fuzzing the REST door (POST /api/v1/payment, GET /api/v1/payment?ref=, POST
 * /api/v1/payment/expire?ref=) with fast-check against one live gateway: random and adversarial
 * JSON, valid bodies perturbed in one place, raw bodies with odd content types and encodings, and
 * hostile query strings. For every answer: never a 5xx, an accepted status, a documented code;
 * after every batch: the gateway is alive, and the merchant (a fresh one per batch) holds exactly
 * the payments that were answered 201, as does the Stripe emulator.
 */
import { gzipSync, deflateSync } from 'node:zlib';
import fc from 'fast-check';
import { startHarness, paymentInput, type Harness } from '../support/gateway-harness';
import {
  ACCEPTED_STATUSES,
  CONCURRENCY,
  deepNestingText,
  expectAlive,
  expectAnswer,
  expectOnlyReported,
  fcParams,
  fuzzSeeds,
  hostileString,
  jsonText,
  keyText,
  mapLimit,
  newestSession,
  note,
  objectText,
  reportFile,
  send,
  sessionsSince,
  UnhandledCollector,
  type SentRequest,
} from './fuzz-support';
import { applyMutation, blameProblems, echoProblems, judge, mutationArb, type Mutation } from './payment-mutations';

jest.setTimeout(120_000);

let h: Harness;
const unhandled = new UnhandledCollector();
/** A payment of the harness's own merchant: every fuzzing merchant must see it as absent. */
let foreignRef: string;

beforeAll(async () => {
  unhandled.start();
  h = await startHarness();
  const created = await h.rest('POST', '/api/v1/payment', { body: paymentInput() });
  if (created.status !== 201) throw new Error(`could not create the reference payment: ${JSON.stringify(created.body)}`);
  foreignRef = created.body.ref;
});
afterAll(async () => {
  unhandled.stop();
  reportFile('rest-payment.fuzz.test.ts');
  await h?.close();
});

/**
 * Runs one batch for a fresh merchant: every request is sent (CONCURRENCY at a time) and checked by
 * `check`, which returns the ref of a payment the answer reports as created; then the gateway must
 * be alive and hold exactly those payments, at the gateway and at the emulator.
 */
async function batch<T>(items: readonly T[], run: (item: T, key: string) => Promise<string | null>): Promise<void> {
  const merchant = await h.newMerchant();
  const marker = await newestSession(h);
  const reported = new Set<string>();
  const failures: unknown[] = [];
  await mapLimit(items, CONCURRENCY, async (item) => {
    try {
      const ref = await run(item, merchant.secretKey);
      if (ref) reported.add(ref);
    } catch (error) {
      failures.push(error); // the others still run to the end, so the next batch starts clean
    }
  });
  if (failures.length) throw failures[0];
  await expectAlive(h);
  await expectOnlyReported(h, merchant.secretKey, reported, 'after a batch of REST requests');
  const sessions = await sessionsSince(h, marker);
  if (sessions.length !== reported.size) {
    throw new Error(`the emulator got ${sessions.length} new checkout session(s) for ${reported.size} payment(s) answered 201`);
  }
}

const createRequest = (key: string, body: string | Uint8Array | undefined, headers: Record<string, string> = {}): SentRequest => ({
  method: 'POST',
  path: '/api/v1/payment',
  headers: { authorization: `Bearer ${key}`, ...headers },
  body,
});

/** Sends a create request and checks the generic rules; the ref when it was 201. */
async function sendCreate(request: SentRequest, extraChecks?: (answer: Awaited<ReturnType<typeof send>>) => string[]): Promise<string | null> {
  const answer = await send(h.gateway.url, request);
  expectAnswer(request, answer, ACCEPTED_STATUSES.create, extraChecks ? extraChecks(answer) : []);
  if (answer.status === 201) {
    if (typeof answer.json?.ref !== 'string') expectAnswer(request, answer, ACCEPTED_STATUSES.create, ['a 201 without a ref']);
    return answer.json.ref;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Generators

/** Bodies of any shape: JSON of any type at the top, objects with the input's keys and hostile values, deep nesting. */
const hostileBodyText: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: jsonText({ maxDepth: 4, huge: true }) },
  {
    weight: 4,
    // The input's own keys (and prototype-pollution names) with anything at all as values.
    arbitrary: fc.array(fc.tuple(keyText(), jsonText({ maxDepth: 3, huge: true })), { maxLength: 10 }).map(objectText),
  },
  {
    weight: 2,
    // Deeply nested metadata / line items / top level.
    arbitrary: fc
      .tuple(fc.constantFrom(10, 100, 1000, 20_000, 60_000), fc.constantFrom<'array' | 'object'>('array', 'object'), fc.constantFrom('metadata', 'lineItems', 'top'))
      .map(([depth, kind, where]) => {
        const deep = deepNestingText(depth, kind);
        if (where === 'top') return deep;
        const base = paymentInput();
        return JSON.stringify(base).replace(/"metadata":\{[^}]*\}|"lineItems":\[[^\]]*\]/, (match) => (match.startsWith(`"${where}"`) ? `"${where}":${deep}` : match));
      }),
  },
  {
    weight: 2,
    // `null` in every slot of a valid body, and arrays where objects go.
    arbitrary: fc.constantFrom('null', '[]', '{}', '[{}]', '[null]', '"x"', '0').chain((filler) =>
      fc.subarray(['orderId', 'currency', 'lineItems', 'successUrl', 'cancelUrl', 'customerEmail', 'expiresInMinutes', 'metadata']).map((fields) => {
        const base = paymentInput() as Record<string, unknown>;
        const entries = Object.entries(base).map(([key, value]) => [key, fields.includes(key) ? filler : JSON.stringify(value)] as const);
        return objectText(entries);
      }),
    ),
  },
);

/** Raw bodies: not JSON, almost JSON, JSON in odd encodings, bytes. */
const rawBody: fc.Arbitrary<{ body: string | Uint8Array; encoding?: string; charset?: string }> = fc.oneof(
  fc.oneof(
    fc.string({ maxLength: 200 }),
    fc.string({ unit: 'binary', maxLength: 200 }),
    fc.constantFrom(
      '',
      ' ',
      '{',
      '}',
      '{"orderId": "x", ',
      "{'orderId': 'x'}",
      '{"a":1}{"b":2}',
      '{"a":1,}',
      '[1,2,]',
      '{"a": NaN}',
      '{"a": Infinity}',
      '{"a": undefined}',
      '{"a": 0x10}',
      '{"a": .5}',
      '{"a": 01}',
      '{"a": "\\x41"}',
      '{"a": "\\ud800"}',
      '{"a": "unterminated}',
      '/* comment */ {}',
      '\ufeff{}',
      'orderId=x&currency=usd',
      '<payment><orderId>x</orderId></payment>',
      '--boundary\r\nContent-Disposition: form-data; name="orderId"\r\n\r\nx\r\n--boundary--',
      'null',
      'true',
      '"string"',
      '12345678901234567890',
      '-0',
      '1e400',
    ),
  ).map((body) => ({ body })),
  // Valid input written in other encodings: utf-16 (with and without the charset saying so), gzip, deflate.
  fc.constantFrom('utf-16le', 'gzip', 'deflate', 'gzip-lie', 'latin1').map((how) => {
    const text = JSON.stringify(paymentInput({ lineItems: [{ name: 'Crème brûlée 😀', unitAmount: 900, quantity: 1 }] }));
    switch (how) {
      case 'utf-16le':
        return { body: new Uint8Array(Buffer.from(text, 'utf16le')), charset: 'utf-16le' };
      case 'gzip':
        return { body: new Uint8Array(gzipSync(text)), encoding: 'gzip' };
      case 'deflate':
        return { body: new Uint8Array(deflateSync(text)), encoding: 'deflate' };
      case 'gzip-lie':
        return { body: text, encoding: 'gzip' };
      default:
        return { body: new Uint8Array(Buffer.from(text, 'latin1')), charset: 'latin1' };
    }
  }),
  // Random bytes, invalid UTF-8 included.
  fc.uint8Array({ maxLength: 300 }).map((bytes) => ({ body: bytes })),
  fc.constantFrom(new Uint8Array([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d]), new Uint8Array([0xff, 0xfe, 0x7b, 0x00, 0x7d, 0x00])).map((body) => ({ body })),
  // Random encodings announced.
  fc.tuple(fc.string({ maxLength: 50 }), fc.constantFrom('br', 'compress', 'x-bogus', 'identity', 'gzip, gzip', 'GZIP', '')).map(([body, encoding]) => ({ body, encoding })),
);

const CONTENT_TYPES = [
  undefined,
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'application/json; charset=bogus',
  'application/json; charset=',
  'application/vnd.api+json',
  'application/problem+json',
  'text/plain',
  'text/plain; charset=utf-8',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=boundary',
  'application/xml',
  'application/octet-stream',
  '*/*',
  'application/json, text/plain',
  'json',
  '',
  ';;;',
];

/** A header value fetch will send: latin-1, no CR/LF/NUL. */
const headerValue = fc.oneof(
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 60 }),
  // (Node refuses DEL and the C0 controls in header values)
  fc.string({ unit: fc.oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0xa0, max: 0xff })).map((c) => String.fromCharCode(c)), maxLength: 30 }),
  fc.constantFrom('a'.repeat(255), 'a'.repeat(256), 'é', ' key ', 'k1, k2'),
);

// ---------------------------------------------------------------------------------------------
// Properties

describe.each(fuzzSeeds('rest-payment.fuzz.test.ts'))('REST fuzz, $label', (seed) => {
  it('POST /api/v1/payment: random and adversarial JSON bodies are refused cleanly (or created)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(hostileBodyText, { minLength: 1, maxLength: 24, size: 'max' }), async (bodies) => {
        await batch(bodies, async (body, key) => {
          const request = createRequest(key, body, { 'content-type': 'application/json' });
          return sendCreate(request, (answer) =>
            answer.status === 413 && Buffer.byteLength(body) < 256 * 1024 ? ['a 413 for a body under the 256 kB cap'] : [],
          );
        });
      }),
      fcParams(seed, 14),
    );
  });

  it('POST /api/v1/payment: a valid body perturbed in one place gets the verdict the rules give', async () => {
    const idempotencyKey = fc.option(fc.oneof(fc.constantFrom('k1', 'k2'), headerValue), { freq: 4 });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(mutationArb, idempotencyKey), { minLength: 1, maxLength: 24, size: 'max' }), async (mutations) => {
        await batch(mutations, async ([mutation, idemKey], key) => {
          const { text, parsed } = applyMutation(paymentInput(), mutation);
          const request = createRequest(key, text, { 'content-type': 'application/json', ...(idemKey !== null ? { 'idempotency-key': idemKey } : {}) });
          const answer = await send(h.gateway.url, request);
          const problems = verdictProblems(mutation, parsed, answer, idemKey);
          expectAnswer(request, answer, ACCEPTED_STATUSES.create, problems);
          return answer.status === 201 ? answer.json.ref : null;
        });
      }),
      fcParams(seed, 14),
    );
  });

  it('POST /api/v1/payment: raw bodies, odd content types and encodings are refused cleanly', async () => {
    const item = fc.tuple(rawBody, fc.constantFrom(...CONTENT_TYPES));
    await fc.assert(
      fc.asyncProperty(fc.array(item, { minLength: 1, maxLength: 24, size: 'max' }), async (items) => {
        await batch(items, async ([raw, contentType], key) => {
          const type = raw.charset && contentType?.startsWith('application/json') ? `application/json; charset=${raw.charset}` : contentType;
          const headers: Record<string, string> = {
            ...(type !== undefined ? { 'content-type': type } : {}),
            ...(raw.encoding !== undefined ? { 'content-encoding': raw.encoding } : {}),
          };
          return sendCreate(createRequest(key, raw.body, headers));
        });
      }),
      fcParams(seed, 12),
    );
  });

  it('GET /api/v1/payment?ref= and POST /api/v1/payment/expire?ref=: hostile query strings find nothing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(byRefRequest, { minLength: 1, maxLength: 24, size: 'max' }), async (requests) => {
        await batch(requests, async (spec, key) => {
          const request: SentRequest = {
            method: spec.method,
            path: `${spec.path}${spec.query(foreignRef)}`,
            headers: { authorization: `Bearer ${key}`, ...(spec.requestId !== null ? { 'x-request-id': spec.requestId } : {}) },
          };
          const answer = await send(h.gateway.url, request);
          const extra: string[] = [];
          // The fresh merchant has no payment: nothing is ever found, the other merchant's included.
          if (answer.status === 200 && spec.method !== 'OPTIONS') extra.push('a 200: the merchant has no payment to find');
          if (answer.isJson && typeof answer.json?.ref === 'string' && answer.json?.orderId !== undefined) extra.push('a payment in the answer');
          const given = spec.requestId?.trim() ?? null; // Node trims header values
          const id = answer.headers.get('x-request-id');
          // (a 431 comes from Node's HTTP parser, before any of the gateway's code)
          if (answer.status !== 431) {
            if (given !== null && /^[\w.:-]{1,100}$/.test(given) && id !== given) extra.push(`X-Request-Id ${id} is not the caller's own ${given}`);
            if (!id || (id !== given && !/^[0-9a-f-]{36}$/.test(id))) extra.push(`X-Request-Id ${JSON.stringify(id)} is neither the caller's nor a fresh one`);
          }
          // HEAD answers carry no body, so only the status can be checked.
          if (spec.method === 'HEAD') {
            if (answer.status >= 500 || answer.networkError) extra.push(`HEAD answered ${answer.status}`);
            if (extra.length) expectAnswer(request, { ...answer, status: 500 }, ACCEPTED_STATUSES.byRef, extra);
          } else {
            expectAnswer(request, answer, ACCEPTED_STATUSES.byRef, extra);
          }
          return null;
        });
      }),
      fcParams(seed, 12),
    );
  });
});

it('no unhandled promise rejection, uncaught exception or prototype pollution happened during the run', () => {
  expect(unhandled.problems()).toEqual([]);
});

// ---------------------------------------------------------------------------------------------
// The model's verdict against the answer

function verdictProblems(mutation: Mutation, parsed: unknown, answer: Awaited<ReturnType<typeof send>>, idempotencyKey: string | null): string[] {
  const judgement = judge(mutation, parsed);
  note(`model says ${judgement.verdict}, answer ${answer.status}`);
  const problems: string[] = [];
  // fetch strips only HTTP whitespace (space, tab) from a header value's ends; JavaScript's trim()
  // would also strip U+00A0, which the gateway rightly receives and refuses as not ASCII.
  const sentKey = idempotencyKey?.replace(/^[ \t]+|[ \t]+$/g, '') ?? null;
  const keyIsValid = sentKey === null || /^[\x20-\x7e]{1,255}$/.test(sentKey);
  if (answer.status === 201) {
    if (judgement.verdict === 'invalid') problems.push('created, but the input breaks a documented rule');
    else if (answer.json?.orderId === (parsed as { orderId?: unknown }).orderId || idempotencyKey === null) {
      // (a replayed idempotent answer is the first body's payment: its echo is that body's)
      problems.push(...echoProblems(parsed, answer.json));
    }
  } else if (answer.status === 400) {
    const error = answer.json?.error;
    const aboutKey = Array.isArray(error?.details) && error.details.some((d: { field?: string }) => d?.field === 'Idempotency-Key');
    if (judgement.verdict === 'valid' && !aboutKey) problems.push(`refused, but the input is valid (the model expected 201)`);
    if (!aboutKey) problems.push(...blameProblems(judgement, error?.details));
    if (aboutKey && keyIsValid) problems.push('the Idempotency-Key was refused, but it is 1..255 printable ASCII characters');
  } else if (answer.status === 409) {
    if (answer.json?.error?.code !== 'IDEMPOTENCY_CONFLICT' && answer.json?.error?.code !== 'ORDER_CONFLICT') problems.push('a 409 that is no conflict');
    if (answer.json?.error?.code === 'IDEMPOTENCY_CONFLICT' && idempotencyKey === null) problems.push('IDEMPOTENCY_CONFLICT without an Idempotency-Key');
    if (answer.json?.error?.code === 'ORDER_CONFLICT' && judgement.verdict === 'invalid') problems.push('ORDER_CONFLICT for an invalid input (validation must come first)');
  } else if (answer.status === 413) {
    if (judgement.verdict === 'valid') problems.push('a 413 for a valid input');
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Query strings

/** Percent-encodes the UTF-8 of a string, byte by byte (lone surrogates become U+FFFD, as on the wire). */
const percentEncode = (text: string) => [...Buffer.from(text, 'utf8')].map((byte) => `%${byte.toString(16).padStart(2, '0').toUpperCase()}`).join('');

const refValue: fc.Arbitrary<(foreign: string) => string> = fc.oneof(
  hostileString().map((s) => () => percentEncode(s)),
  hostileString().map((s) => () => encodeURIComponent(s.replace(/[\ud800-\udfff]/g, '?'))),
  fc.constantFrom('%', '%%', '%zz', '%E0%A4%A', '%ff%fe', '%00', '%uD800', '%C0%AF', '+', '++', '&', '=', ';', '%26ref%3Dx', '..%2F..%2F').map((s) => () => s),
  fc.stringMatching(/^pay_[A-Za-z0-9_-]{24,36}$/).map((ref) => () => ref),
  fc.constant((foreign: string) => foreign),
  fc.constant((foreign: string) => foreign.toUpperCase()),
  fc.constant((foreign: string) => `${foreign}%00`),
  fc.constant((foreign: string) => `%20${foreign}`),
  fc.constantFrom(8_000, 15_000, 20_000).map((n) => () => 'A'.repeat(n)),
);

const queryString: fc.Arbitrary<(foreign: string) => string> = fc.oneof(
  refValue.map((value) => (foreign: string) => `?ref=${value(foreign)}`),
  fc.tuple(refValue, refValue).map(([a, b]) => (foreign: string) => `?ref=${a(foreign)}&ref=${b(foreign)}`),
  refValue.map((value) => (foreign: string) => `?ref[]=${value(foreign)}`),
  refValue.map((value) => (foreign: string) => `?ref[a]=${value(foreign)}&ref[b]=x`),
  refValue.map((value) => (foreign: string) => `?REF=${value(foreign)}`),
  refValue.map((value) => (foreign: string) => `?ref=${value(foreign)}=${value(foreign)}`),
  fc.constantFrom('', '?', '?ref', '?ref=', '?&&&', '?ref&ref', '?=x', '?ref=%', '?__proto__[ref]=x', '?constructor=x&ref=x').map((q) => () => q),
  fc.array(fc.tuple(keyText(), refValue), { maxLength: 5 }).map((pairs) => (foreign: string) => `?${pairs.map(([k, v]) => `${percentEncode(k)}=${v(foreign)}`).join('&')}`),
);

interface ByRefSpec {
  method: string;
  path: string;
  query: (foreign: string) => string;
  requestId: string | null;
}

const byRefRequest: fc.Arbitrary<ByRefSpec> = fc.record({
  method: fc.oneof({ weight: 8, arbitrary: fc.constantFrom('GET', 'POST') }, { weight: 1, arbitrary: fc.constantFrom('PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD') }),
  path: fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom('/api/v1/payment', '/api/v1/payment/expire') },
    {
      weight: 1,
      arbitrary: fc.constantFrom('/api/v1/payment/', '/api/v1/PAYMENT', '/api/v1/payment/expire/', '/api/v1//payment', '/api/v1/payment/%2e%2e/payment', '/api/v1/%70ayment', '/api/v1/payment;x', '/api/v1/payment/expire/..', '/api/v2/payment'),
    },
  ),
  query: queryString,
  requestId: fc.option(fc.oneof(fc.stringMatching(/^[\w.:-]{1,100}$/), headerValue), { freq: 3 }),
});
