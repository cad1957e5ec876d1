/**
 * Fuzzing who may see what, against one live gateway: merchant A holds payments carrying unique
 * markers (order id, metadata, email, URLs, line item name); A's publishable key, merchant B's secret
 * and publishable keys and garbage keys are sent at every route with random refs (A's real ones
 * among them), random field selections, aliases and fragments. Never may an answer carry A's data
 * to a key that is not A's (refs read back, markers), nor A's secret-only fields to A's publishable
 * key; A's payments must not change; B holds only what B was told it created.
 */
import fc from 'fast-check';
import { startHarness, paymentInput, type Harness } from '../support/gateway-harness';
import type { IssuedMerchant } from '../../src/services/merchants/merchant.service';
import {
  ACCEPTED_STATUSES,
  CONCURRENCY,
  expectAlive,
  expectAnswer,
  expectOnlyReported,
  fcParams,
  fuzzSeeds,
  hostileString,
  mapLimit,
  reportFile,
  send,
  UnhandledCollector,
  type Answer,
  type SentRequest,
} from './fuzz-support';

jest.setTimeout(120_000);

let h: Harness;
let a: IssuedMerchant;
let b: IssuedMerchant;
const unhandled = new UnhandledCollector();
/** A's payments: PENDING ones, and one EXPIRED. */
let refsOfA: string[] = [];
/** Values only A's secret key may ever read back. */
let secretsOfA: string[] = [];
/** Values A's publishable key may read, no other key: refs, checkout URLs. */
let statusFieldsOfA: string[] = [];
const MARK = `mark${Date.now().toString(36)}`;

beforeAll(async () => {
  unhandled.start();
  h = await startHarness();
  a = h.merchant;
  for (let i = 0; i < 4; i += 1) {
    const input = paymentInput({
      orderId: `${MARK}-order-${i}`,
      lineItems: [{ name: `${MARK}-item-${i}`, unitAmount: 1234, quantity: 1 }],
      successUrl: `https://${MARK}.example/ok`,
      cancelUrl: `https://${MARK}.example/no`,
      customerEmail: `${MARK}@example.com`,
      metadata: { secret: `${MARK}-meta-${i}` },
    });
    const created = await h.rest('POST', '/api/v1/payment', { body: input, key: a.secretKey });
    if (created.status !== 201) throw new Error(`could not create A's payment: ${JSON.stringify(created.body)}`);
    refsOfA.push(created.body.ref);
    // (the checkout URL, a status field, holds the session id: that is not secret from the publishable key)
    statusFieldsOfA.push(created.body.ref, created.body.checkoutUrl);
  }
  const expired = await h.rest('POST', `/api/v1/payment/expire?ref=${refsOfA[3]}`, { key: a.secretKey });
  if (expired.status !== 200) throw new Error(`could not expire A's payment: ${JSON.stringify(expired.body)}`);
  secretsOfA.push(MARK);
});
afterAll(async () => {
  unhandled.stop();
  reportFile('key-isolation.fuzz.test.ts');
  await h?.close();
});

/** A's payments as A's secret key reads them: what must not change. */
async function stateOfA(): Promise<string> {
  const result = await h.graphql('{ payments(first: 100) { edges { node { ref status version events { to } } } } }', {}, a.secretKey);
  return JSON.stringify(result.data?.payments?.edges ?? result.errors);
}

// ---------------------------------------------------------------------------------------------
// Generators

type Caller = 'A-publishable' | 'B-secret' | 'B-publishable' | 'garbage' | 'none';
const caller: fc.Arbitrary<Caller> = fc.constantFrom('A-publishable', 'B-secret', 'B-publishable', 'A-publishable', 'B-secret', 'garbage', 'none');

/** Authorization values that are nobody's key (never A's secret key in a form that still works). */
const garbageAuthorization = fc.oneof(
  fc.constantFrom('Bearer', 'Bearer ', 'Basic dXNlcjpwYXNz', 'Bearer null', 'Bearer undefined', 'Bearer sk_gw_', 'Bearer pk_gw_', 'bearer x y'),
  fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 60 }).map((key) => `Bearer ${key}`),
  fc.constantFrom('truncate', 'extend', 'upper', 'pk-as-sk', 'sk-as-pk', 'two-keys').map((how) => ({ how })),
);

function authorizationFor(who: Caller, garbage: string | { how: string }): string | null {
  switch (who) {
    case 'A-publishable':
      return `Bearer ${a.publishableKey}`;
    case 'B-secret':
      return `Bearer ${b.secretKey}`;
    case 'B-publishable':
      return `Bearer ${b.publishableKey}`;
    case 'none':
      return null;
    default: {
      if (typeof garbage === 'string') return garbage;
      const sk = a.secretKey;
      switch (garbage.how) {
        case 'truncate':
          return `Bearer ${sk.slice(0, -1)}`;
        case 'extend':
          return `Bearer ${sk}x`;
        case 'upper':
          return `Bearer ${sk.toUpperCase()}`;
        case 'pk-as-sk':
          return `Bearer ${a.publishableKey.replace(/^pk_/, 'sk_')}`;
        case 'sk-as-pk':
          return `Bearer ${sk.replace(/^sk_/, 'pk_')}`;
        default:
          return `Bearer ${sk}, Bearer ${b.secretKey}`;
      }
    }
  }
}

/** A ref to ask for: one of A's (most of the time), well-formed unknown ones, malformed ones. */
const refChoice = fc.oneof(
  { weight: 5, arbitrary: fc.nat().map((n) => ({ real: n })) },
  { weight: 1, arbitrary: fc.stringMatching(/^pay_[A-Za-z0-9_-]{24,36}$/).map((ref) => ({ ref })) },
  { weight: 1, arbitrary: hostileString().map((ref) => ({ ref })) },
);
const resolveRef = (choice: { real: number } | { ref: string }) => ('real' in choice ? refsOfA[choice.real % refsOfA.length] : choice.ref);

const STATUS_FIELDS = ['id', 'ref', 'status', 'amount', 'currency', 'checkoutUrl', 'expiresAt'];
const SECRET_FIELDS = ['orderId', 'customerEmail', 'successUrl', 'cancelUrl', 'metadata', 'providerSessionId', 'version', 'createdAt', 'updatedAt', 'lineItems { name unitAmount quantity }', 'events { from to source note }'];
const selection = fc
  .tuple(fc.subarray(STATUS_FIELDS, { minLength: 1 }), fc.subarray(SECRET_FIELDS), fc.boolean())
  .map(([status, secret, fragment]) => (fragment ? `...P ${[...status, ...secret].join(' ')}` : [...status, ...secret].join(' ')));
const FRAGMENT = 'fragment P on Payment { ref status }';

type Op =
  | { kind: 'rest-get' | 'rest-expire' | 'rest-create'; ref: { real: number } | { ref: string } }
  | { kind: 'gql-payment' | 'gql-expire'; ref: { real: number } | { ref: string }; fields: string; aliases: number; asVariable: boolean }
  | { kind: 'gql-payments'; fields: string; filter: string }
  | { kind: 'gql-create'; fields: string };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constantFrom<'rest-get' | 'rest-expire' | 'rest-create'>('rest-get', 'rest-get', 'rest-expire', 'rest-create'), ref: refChoice }),
  fc.record({ kind: fc.constantFrom<'gql-payment' | 'gql-expire'>('gql-payment', 'gql-payment', 'gql-expire'), ref: refChoice, fields: selection, aliases: fc.integer({ min: 1, max: 3 }), asVariable: fc.boolean() }),
  fc.record({ kind: fc.constant<'gql-payments'>('gql-payments'), fields: selection, filter: fc.constantFrom('', '(first: 100)', '(status: PENDING)', '(status: EXPIRED, first: 5)', '(orderId: "ORDER_OF_A")') }),
  fc.record({ kind: fc.constant<'gql-create'>('gql-create'), fields: selection }),
);

function buildRequest(o: Op, authorization: string | null): SentRequest {
  const auth: Record<string, string> = authorization !== null ? { authorization } : {};
  const graphql = (query: string, variables: Record<string, unknown> = {}): SentRequest => ({
    method: 'POST',
    path: '/graphql',
    headers: { 'content-type': 'application/json', ...auth },
    body: JSON.stringify({ query, variables }),
  });
  const fragmentIfUsed = (fields: string) => (fields.includes('...P') ? ` ${FRAGMENT}` : '');
  switch (o.kind) {
    case 'rest-get':
      return { method: 'GET', path: `/api/v1/payment?ref=${encodeURIComponent(resolveRef(o.ref).replace(/[\ud800-\udfff]/g, '?'))}`, headers: auth };
    case 'rest-expire':
      return { method: 'POST', path: `/api/v1/payment/expire?ref=${encodeURIComponent(resolveRef(o.ref).replace(/[\ud800-\udfff]/g, '?'))}`, headers: auth };
    case 'rest-create':
      return { method: 'POST', path: '/api/v1/payment', headers: { 'content-type': 'application/json', ...auth }, body: JSON.stringify(paymentInput()) };
    case 'gql-payment':
    case 'gql-expire': {
      const field = o.kind === 'gql-payment' ? 'payment' : 'expirePayment';
      const ref = resolveRef(o.ref);
      const arg = o.asVariable ? '$ref' : JSON.stringify(ref);
      const body = Array.from({ length: o.aliases }, (_, i) => `a${i}: ${field}(ref: ${arg}) { ${o.fields} }`).join(' ');
      const head = o.kind === 'gql-payment' ? 'query' : 'mutation';
      return graphql(`${head}${o.asVariable ? '($ref: ID!)' : ''} { ${body} }${fragmentIfUsed(o.fields)}`, o.asVariable ? { ref } : {});
    }
    case 'gql-payments':
      return graphql(`{ payments${o.filter.replace('ORDER_OF_A', `${MARK}-order-0`)} { edges { node { ${o.fields} } } } }${fragmentIfUsed(o.fields)}`);
    case 'gql-create':
      // (`ref` always, so that whatever B creates is known to have been reported)
      return graphql(`mutation ($input: CreatePaymentInput!) { createPayment(input: $input) { ref ${o.fields} } }${fragmentIfUsed(o.fields)}`, { input: paymentInput() });
  }
}

/** Every `ref` in an answer's payment data (REST body or GraphQL data). */
function refsRead(answer: Answer): string[] {
  const found: string[] = [];
  const walk = (value: unknown) => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) {
        if (key === 'ref' && typeof item === 'string') found.push(item);
        else if (key !== 'error' && key !== 'errors') walk(item);
      }
    }
  };
  walk(answer.isJson ? (answer.json?.data ?? (answer.json?.error ? null : answer.json)) : null);
  return found;
}

function isolationProblems(who: Caller, o: Op, answer: Answer): string[] {
  const problems: string[] = [];
  const text = answer.text;
  const leaked = secretsOfA.filter((value) => value && text.includes(value));
  if (leaked.length) problems.push(`${who} read A's secret-only data (${leaked.join(', ')})`);
  const readA = refsRead(answer).filter((ref) => refsOfA.includes(ref));
  if (who !== 'A-publishable') {
    if (readA.length) problems.push(`${who} read A's payment ${readA.join(', ')}`);
    const urls = statusFieldsOfA.filter((value) => value.startsWith('http') && text.includes(value));
    if (urls.length) problems.push(`${who} read A's checkout URL`);
    if ((o.kind === 'rest-get' || o.kind === 'rest-expire') && answer.status === 200) problems.push(`${who} got a 200 for ${o.kind}`);
  } else {
    // A's publishable key: status fields of A's payments by ref, nothing else, no list, no mutation.
    if (o.kind === 'rest-expire' || o.kind === 'rest-create') {
      if (answer.status !== 403 && answer.status !== 400 && answer.status !== 401) problems.push(`a publishable key got ${answer.status} for ${o.kind}`);
    }
    if (o.kind === 'rest-get' && answer.status === 200) {
      const keys = Object.keys(answer.json ?? {}).sort();
      if (JSON.stringify(keys) !== JSON.stringify([...STATUS_FIELDS].sort())) problems.push(`a publishable key read the fields ${keys.join(', ')}`);
    }
    if ((o.kind === 'gql-payments' || o.kind === 'gql-expire' || o.kind === 'gql-create') && answer.json?.data && Object.values(answer.json.data).some((v) => v !== null)) {
      problems.push(`a publishable key got data for ${o.kind}`);
    }
  }
  if (o.kind.startsWith('gql-') && answer.json?.errors) {
    const codes = answer.json.errors.map((e: any) => e?.extensions?.code);
    // (a hostile ref written into the document can fail to parse: GRAPHQL_PARSE_FAILED)
    const documentCodes = ['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED'];
    const allowedForCaller =
      who === 'B-secret'
        ? ['BAD_USER_INPUT', 'PAYMENT_NOT_FOUND', 'ORDER_CONFLICT', ...documentCodes]
        : ['UNAUTHENTICATED', 'FORBIDDEN', 'BAD_USER_INPUT', 'PAYMENT_NOT_FOUND', ...documentCodes];
    const odd = codes.filter((code: string) => !allowedForCaller.includes(code));
    if (odd.length) problems.push(`${who} got codes ${odd.join(', ')} for ${o.kind}`);
  }
  return problems;
}

describe.each(fuzzSeeds('key-isolation.fuzz.test.ts'))('key isolation fuzz, $label', (seed) => {
  it("a publishable key, another merchant's keys and garbage keys never reach A's data", async () => {
    const call = fc.record({ who: caller, garbage: garbageAuthorization, op });
    await fc.assert(
      fc.asyncProperty(fc.array(call, { minLength: 1, maxLength: 24, size: 'max' }), async (calls) => {
        const before = await stateOfA();
        b = await h.newMerchant(); // a fresh B per batch: B must hold exactly what it was told it created
        const createdByB = new Set<string>();
        const failures: unknown[] = [];
        await mapLimit(calls, CONCURRENCY, async ({ who, garbage, op: o }) => {
          try {
            const request = buildRequest(o, authorizationFor(who, garbage));
            const answer = await send(h.gateway.url, request);
            expectAnswer(request, answer, o.kind.startsWith('gql-') ? ACCEPTED_STATUSES.graphql : o.kind === 'rest-create' ? ACCEPTED_STATUSES.create : ACCEPTED_STATUSES.byRef, isolationProblems(who, o, answer));
            if (who === 'B-secret' && (o.kind === 'rest-create' || o.kind === 'gql-create')) for (const ref of refsRead(answer)) createdByB.add(ref);
          } catch (error) {
            failures.push(error);
          }
        });
        if (failures.length) throw failures[0];
        await expectAlive(h);
        const after = await stateOfA();
        if (after !== before) throw new Error(`A's payments changed:\n  before ${before}\n  after  ${after}`);
        await expectOnlyReported(h, b.secretKey, createdByB, "B's payments");
      }),
      fcParams(seed, 14),
    );
  });
});

it('no unhandled promise rejection, uncaught exception or prototype pollution happened during the run', () => {
  expect(unhandled.problems()).toEqual([]);
});
