/**
 * Fuzzing the GraphQL door (/graphql over HTTP) with fast-check against one live gateway: documents
 * built from the schema's vocabulary and then some (graphql-documents.ts: unknown fields, wrong
 * arguments, aliases, fragments inline and named and nested, directives, deep nesting, variables of
 * every type), broken documents, odd request
 * shapes (batches, GET, persisted queries, wrong content types, operationName mismatches), and
 * createPayment with a valid input perturbed in one place. For every answer: never a 5xx, never
 * INTERNAL_SERVER_ERROR in a 200, an accepted code; after every batch the gateway is alive and the
 * merchant (a fresh one per batch) holds exactly the payments the answers reported as created.
 */
import fc from 'fast-check';
import { startHarness, paymentInput, type Harness } from '../support/gateway-harness';
import {
  ACCEPTED_STATUSES,
  CONCURRENCY,
  expectAlive,
  expectAnswer,
  expectOnlyReported,
  fcParams,
  fuzzSeeds,
  note,
  mapLimit,
  newestSession,
  reportFile,
  send,
  sessionsSince,
  UnhandledCollector,
  type Answer,
  type SentRequest,
} from './fuzz-support';
import { applyMutation, blameProblems, echoProblems, judge, mutationArb } from './payment-mutations';
import { anyDocument, name, variables } from './graphql-documents';

jest.setTimeout(120_000);

let h: Harness;
const unhandled = new UnhandledCollector();

beforeAll(async () => {
  unhandled.start();
  h = await startHarness();
  // One session at the emulator, the marker from which new ones are counted.
  const created = await h.rest('POST', '/api/v1/payment', { body: paymentInput() });
  if (created.status !== 201) throw new Error(`could not create the reference payment: ${JSON.stringify(created.body)}`);
});
afterAll(async () => {
  unhandled.stop();
  reportFile('graphql.fuzz.test.ts');
  await h?.close();
});

/** Every payment ref an answer's data reports (created or read), wherever it sits. */
function refsIn(value: unknown, into: Set<string>): Set<string> {
  if (Array.isArray(value)) for (const item of value) refsIn(item, into);
  else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key === 'ref' && typeof item === 'string' && item.startsWith('pay_')) into.add(item);
      else refsIn(item, into);
    }
  }
  return into;
}

/** As in the REST file: one fresh merchant per batch, every answer checked, then the state. */
async function batch<T>(items: readonly T[], run: (item: T, key: string) => Promise<{ request: SentRequest; answer: Answer }>): Promise<void> {
  const merchant = await h.newMerchant();
  const marker = await newestSession(h);
  const reported = new Set<string>();
  const failures: unknown[] = [];
  let unseen = 0; // createPayment fields of accepted documents: their selection may lack `ref`
  await mapLimit(items, CONCURRENCY, async (item) => {
    try {
      const { request, answer } = await run(item, merchant.secretKey);
      if (answer.isJson) refsIn(answer.json?.data, reported);
      const creates = typeof request.body === 'string' ? (request.body.match(/createPayment\s*(?:\(|@)/g) ?? []).length : 0;
      const data = answer.isJson ? answer.json?.data : null;
      if (creates > 0 && data && typeof data === 'object' && Object.values(data).some((value) => value !== null)) unseen += creates;
    } catch (error) {
      failures.push(error);
    }
  });
  if (failures.length) throw failures[0];
  await expectAlive(h);
  const held = await expectOnlyReported(h, merchant.secretKey, reported, 'after a batch of GraphQL requests', { unseenByDesign: unseen });
  const sessions = await sessionsSince(h, marker);
  if (sessions.length !== held.length) {
    throw new Error(`the emulator got ${sessions.length} new checkout session(s) for ${held.length} payment(s) the merchant holds`);
  }
}

/** GraphQL-specific checks on top of answerProblems: a JSON answer of the GraphQL shape. */
function graphqlShapeProblems(answer: Answer): string[] {
  if (!answer.isJson) return [];
  const body = answer.json;
  if (answer.status !== 200 && body?.error) return []; // the REST error shape: body-parser failures (bad JSON, too large) before Apollo
  if (!body || typeof body !== 'object' || Array.isArray(body)) return [`a ${answer.status} whose body is not a GraphQL response object`];
  if (!('data' in body) && !('errors' in body)) return [`a ${answer.status} with neither data nor errors`];
  if (body.errors !== undefined && (!Array.isArray(body.errors) || body.errors.length === 0)) return ['errors present but not a non-empty list'];
  // Every answer carries X-Request-Id; errors carry it too, except Apollo's HTTP-level ones (CSRF,
  // a malformed request body), which are made before any plugin runs: the header is the reference.
  const requestId = answer.headers.get('x-request-id');
  if (!requestId) return ['no X-Request-Id'];
  for (const error of body.errors ?? []) {
    if (typeof error?.message !== 'string') return ['an error without a message'];
    const own = error?.extensions?.requestId;
    if (own !== undefined && own !== requestId) return [`an error whose requestId ${own} is not the X-Request-Id ${requestId}`];
  }
  return [];
}

const post = (key: string | null, body: string, headers: Record<string, string> = { 'content-type': 'application/json' }): SentRequest => ({
  method: 'POST',
  path: '/graphql',
  headers: { ...headers, ...(key !== null ? { authorization: `Bearer ${key}` } : {}) },
  body,
});

async function sendGraphQL(request: SentRequest, extra: (answer: Answer) => string[] = () => []): Promise<{ request: SentRequest; answer: Answer }> {
  const answer = await send(h.gateway.url, request);
  if (answer.isJson && answer.json && typeof answer.json === 'object' && 'data' in answer.json) note('documents executed (data in the answer)');
  expectAnswer(request, answer, ACCEPTED_STATUSES.graphql, [...graphqlShapeProblems(answer), ...extra(answer)]);
  return { request, answer };
}

/** The whole request: body shapes and transports. */
type Shape = { doc: string; vars: string | null; opName: string | null; how: string; contentType: string | null; key: 'own' | 'none' | 'garbage' };
const shape: fc.Arbitrary<Shape> = fc.record({
  doc: anyDocument,
  vars: fc.option(variables, { freq: 2 }),
  // (mostly absent: a name the document does not define stops everything at OPERATION_RESOLUTION_FAILURE)
  opName: fc.oneof(
    { weight: 6, arbitrary: fc.constant(null) },
    { weight: 2, arbitrary: name.map((n) => JSON.stringify(n)) },
    { weight: 1, arbitrary: fc.constantFrom('123', 'null', '""', '{"a":1}') },
  ),
  how: fc.oneof(
    { weight: 12, arbitrary: fc.constant('post') },
    { weight: 1, arbitrary: fc.constantFrom('batch', 'query-not-string', 'no-query', 'apq-unknown', 'apq-mismatch', 'apq-bad-version', 'body-is-array-of-junk', 'get', 'get-preflight', 'get-mutation', 'put', 'extensions-junk') },
  ),
  contentType: fc.oneof(
    { weight: 10, arbitrary: fc.constant('application/json') },
    { weight: 1, arbitrary: fc.constantFrom(null, 'text/plain', 'application/graphql', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=utf-16', 'application/json; charset=bogus', 'application/graphql-response+json', 'application/json, text/html') },
  ),
  key: fc.oneof({ weight: 10, arbitrary: fc.constant<'own'>('own') }, { weight: 1, arbitrary: fc.constantFrom<'none' | 'garbage'>('none', 'garbage') }),
});

function buildRequest(spec: Shape, secretKey: string): SentRequest {
  const key = spec.key === 'own' ? secretKey : spec.key === 'garbage' ? 'sk_gw_not-a-real-key' : null;
  const headers: Record<string, string> = {
    ...(spec.contentType !== null ? { 'content-type': spec.contentType } : {}),
    ...(key !== null ? { authorization: `Bearer ${key}` } : {}),
  };
  const fields = [`"query":${JSON.stringify(spec.doc)}`, ...(spec.vars !== null ? [`"variables":${spec.vars}`] : []), ...(spec.opName !== null ? [`"operationName":${spec.opName}`] : [])];
  const body = `{${fields.join(',')}}`;
  const query = (params: Record<string, string>) =>
    Object.entries(params)
      .map(([k, v]) => `${k}=${[...Buffer.from(v, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('')}`)
      .join('&');
  switch (spec.how) {
    case 'batch':
      return { method: 'POST', path: '/graphql', headers, body: `[${body},${body}]` };
    case 'query-not-string':
      return { method: 'POST', path: '/graphql', headers, body: `{"query":${spec.vars ?? '123'}}` };
    case 'no-query':
      return { method: 'POST', path: '/graphql', headers, body: spec.vars !== null ? `{"variables":${spec.vars}}` : '{}' };
    case 'apq-unknown':
      return { method: 'POST', path: '/graphql', headers, body: `{"extensions":{"persistedQuery":{"version":1,"sha256Hash":"${'ab'.repeat(32)}"}}}` };
    case 'apq-mismatch':
      return { method: 'POST', path: '/graphql', headers, body: `{"query":${JSON.stringify(spec.doc)},"extensions":{"persistedQuery":{"version":1,"sha256Hash":"${'cd'.repeat(32)}"}}}` };
    case 'apq-bad-version':
      return { method: 'POST', path: '/graphql', headers, body: `{"query":${JSON.stringify(spec.doc)},"extensions":{"persistedQuery":{"version":${spec.vars ?? '2'},"sha256Hash":"${'ef'.repeat(32)}"}}}` };
    case 'extensions-junk':
      return { method: 'POST', path: '/graphql', headers, body: `{"query":${JSON.stringify(spec.doc)},"extensions":${spec.vars ?? '"x"'}}` };
    case 'body-is-array-of-junk':
      return { method: 'POST', path: '/graphql', headers, body: `[${spec.vars ?? 'null'}]` };
    case 'get':
    case 'get-preflight':
    case 'get-mutation': {
      const doc = spec.how === 'get-mutation' ? 'mutation { expirePayment(ref: "pay_000000000000000000000000") { ref } }' : spec.doc;
      const params: Record<string, string> = { query: doc.slice(0, 6_000), ...(spec.vars !== null && spec.vars.length < 2_000 ? { variables: spec.vars } : {}) };
      const getHeaders: Record<string, string> = { ...(key !== null ? { authorization: `Bearer ${key}` } : {}), ...(spec.how !== 'get' ? { 'apollo-require-preflight': 'true' } : {}) };
      return { method: 'GET', path: `/graphql?${query(params)}`, headers: getHeaders };
    }
    case 'put':
      return { method: 'PUT', path: '/graphql', headers, body };
    default:
      return { method: 'POST', path: '/graphql', headers, body };
  }
}

// ---------------------------------------------------------------------------------------------
// Properties

const CREATE = 'mutation ($input: CreatePaymentInput!) { createPayment(input: $input) { ref orderId status amount currency lineItems { name unitAmount quantity } checkoutUrl customerEmail successUrl cancelUrl metadata expiresAt createdAt } }';

describe.each(fuzzSeeds('graphql.fuzz.test.ts'))('GraphQL fuzz, $label', (seed) => {
  it('random documents, variables and request shapes are answered with documented codes, never a server error', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(shape, { minLength: 1, maxLength: 24, size: 'max' }), async (specs) => {
        await batch(specs, async (spec, key) => {
          const request = buildRequest(spec, key);
          return sendGraphQL(request, (answer) => {
            // Without a valid key nothing runs: any data must be empty of payments.
            if (spec.key !== 'own' && answer.isJson && refsIn(answer.json?.data, new Set()).size) return ['payment data without a valid key'];
            return [];
          });
        });
      }),
      fcParams(seed, 16),
    );
  });

  it('createPayment with a valid input perturbed in one place gets the verdict the rules give', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(mutationArb, { minLength: 1, maxLength: 24, size: 'max' }), async (mutations) => {
        await batch(mutations, async (mutation, key) => {
          const { text, parsed } = applyMutation(paymentInput(), mutation);
          const request = post(key, `{"query":${JSON.stringify(CREATE)},"variables":{"input":${text}}}`);
          return sendGraphQL(request, (answer) => {
            const judgement = judge(mutation, parsed);
            const created = answer.json?.data?.createPayment;
            note(`createPayment: model says ${judgement.verdict}, ${created ? 'created' : 'refused'}`);
            const errors: any[] = answer.json?.errors ?? [];
            if (created) {
              if (judgement.verdict === 'invalid') return ['created, but the input breaks a documented rule'];
              return echoProblems(parsed, created);
            }
            if (answer.status === 413) return judgement.verdict === 'valid' ? ['a 413 for a valid input'] : [];
            if (judgement.verdict === 'valid') return [`refused, but the input is valid: ${JSON.stringify(errors).slice(0, 300)}`];
            if (errors.length === 0) return ['neither data nor errors'];
            // Our own validation names the field; GraphQL's coercion errors (wrong types) carry no details.
            const ours = errors.find((e) => e?.extensions?.code === 'BAD_USER_INPUT' && e?.extensions?.details);
            return ours ? blameProblems(judgement, ours.extensions.details) : [];
          });
        });
      }),
      fcParams(seed, 14),
    );
  });
});

it('no unhandled promise rejection, uncaught exception or prototype pollution happened during the run', () => {
  expect(unhandled.problems()).toEqual([]);
});
