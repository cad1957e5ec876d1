/**
 * The operation rules and limits judge a document as it executes, through both doors (HTTP with
 * fetch, WebSocket with the graphql-ws client): createPayment counted through inline and named
 * fragments, a fragment's cost taken where it is spread, introspection priced.
 */
import { getIntrospectionQuery } from 'graphql';
import type { Client } from 'graphql-ws';
import { startHarness, paymentInput, type Harness } from '../support/gateway-harness';
import { gatewayClient, wsRun } from '../support/ws-door';

let h: Harness;
let client: Client;
beforeAll(async () => {
  h = await startHarness();
  client = gatewayClient(h.gateway.url, h.merchant.secretKey);
});
afterAll(async () => {
  await client?.dispose();
  await h?.close();
});

type Door = 'HTTP' | 'WebSocket';
const DOORS: Door[] = ['HTTP', 'WebSocket'];

/** Runs a document through one door as `key`'s merchant; answers errors and data alike. */
async function run(door: Door, query: string, variables: Record<string, unknown> = {}, key: string | null = h.merchant.secretKey) {
  if (door === 'HTTP') return h.graphql(query, variables, key);
  const socket = key === h.merchant.secretKey ? client : gatewayClient(h.gateway.url, key);
  try {
    return await wsRun(socket, query, variables);
  } finally {
    if (socket !== client) await socket.dispose();
  }
}

const codes = (answer: { errors?: { extensions?: Record<string, any> }[] }) => (answer.errors ?? []).map((error) => error.extensions?.code);
const refusedBy = (answer: { data?: unknown; errors?: { message: string; extensions?: Record<string, any> }[] }, reason: RegExp) => {
  expect(answer.data ?? undefined).toBeUndefined(); // nothing executed
  expect(codes(answer)).toContain('GRAPHQL_VALIDATION_FAILED');
  expect(answer.errors!.map((error) => error.message).join('\n')).toMatch(reason);
};

const paymentCount = async (key: string) => (await h.graphql('{ payments(first: 100) { edges { node { ref } } } }', {}, key)).data.payments.edges.length;

describe.each(DOORS)('createPayment, one per document, over %s', (door) => {
  const variables = () => ({ a: paymentInput(), b: paymentInput(), c: paymentInput() });
  const documents: [string, string][] = [
    ['three aliased at the top', 'mutation ($a: CreatePaymentInput!, $b: CreatePaymentInput!, $c: CreatePaymentInput!) { a: createPayment(input: $a) { ref } b: createPayment(input: $b) { ref } c: createPayment(input: $c) { ref } }'],
    ['one inside an inline fragment', 'mutation ($a: CreatePaymentInput!, $b: CreatePaymentInput!) { a: createPayment(input: $a) { ref } ... on Mutation { b: createPayment(input: $b) { ref } } }'],
    ['two inside a named fragment', 'mutation ($a: CreatePaymentInput!, $b: CreatePaymentInput!) { ...Two } fragment Two on Mutation { a: createPayment(input: $a) { ref } b: createPayment(input: $b) { ref } }'],
    ['one per nested named fragment', 'mutation ($a: CreatePaymentInput!, $b: CreatePaymentInput!) { ...Outer } fragment Outer on Mutation { ... on Mutation { ...Inner } b: createPayment(input: $b) { ref } } fragment Inner on Mutation { a: createPayment(input: $a) { ref } }'],
  ];

  it.each(documents)('refuses two or more: %s, and creates nothing', async (_label, document) => {
    const merchant = await h.newMerchant();
    refusedBy(await run(door, document, variables(), merchant.secretKey), /One createPayment per request/);
    expect(await paymentCount(merchant.secretKey)).toBe(0);
  });

  it('runs one createPayment given through a named fragment', async () => {
    const merchant = await h.newMerchant();
    const answer = await run(door, 'mutation ($a: CreatePaymentInput!) { ...One } fragment One on Mutation { ... on Mutation { created: createPayment(input: $a) { ref status } } }', { a: paymentInput() }, merchant.secretKey);
    expect(answer.errors).toBeUndefined();
    expect(answer.data.created.status).toBe('PENDING');
    expect(await paymentCount(merchant.secretKey)).toBe(1);
  });
});

describe.each(DOORS)('cost through fragments, over %s', (door) => {
  const fields = 'edges { node { ref status events { from to source at note } lineItems { name unitAmount quantity } } }';
  const inline = `{ a: payments(first: 100) { ${fields} } b: payments(first: 100) { ${fields} } c: payments(first: 100) { ${fields} } }`;
  const throughFragments = `{ a: payments(first: 100) { ...Page } b: payments(first: 100) { ... on PaymentConnection { ...Page } } c: payments(first: 100) { ...Page } } fragment Page on PaymentConnection { ${fields} }`;

  it('prices three full pages through a fragment as it prices them inline, and refuses both', async () => {
    const [asInline, asFragments] = [await run(door, inline), await run(door, throughFragments)];
    refusedBy(asInline, /cost \d+ exceeds the limit/);
    refusedBy(asFragments, /cost \d+ exceeds the limit/);
    const cost = (answer: typeof asInline) => /cost (\d+)/.exec(answer.errors![0].message)![1];
    expect(cost(asFragments)).toBe(cost(asInline));
  });

  it('still runs one full page through a fragment', async () => {
    const answer = await run(door, `{ payments(first: 100) { ...Page } } fragment Page on PaymentConnection { ${fields} }`);
    expect(answer.errors).toBeUndefined();
    expect(Array.isArray(answer.data.payments.edges)).toBe(true);
  });
});

describe('introspection is priced', () => {
  const aliasedSchemas = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `s${i}: __schema { types { name fields { name } } }`).join(' ')} }`;

  it.each(DOORS)('refuses 150 aliased __schema over %s (over HTTP, to a caller without a key)', async (door) => {
    refusedBy(await run(door, aliasedSchemas(150), {}, door === 'HTTP' ? null : h.merchant.secretKey), /aliases 150 exceeds the limit/);
  });

  it.each(DOORS)('refuses 15 aliased __schema by their cost over %s', async (door) => {
    refusedBy(await run(door, aliasedSchemas(15)), /cost \d+ exceeds the limit/);
  });

  it('refuses introspection lists nested past the standard query', async () => {
    refusedBy(await h.graphql('{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }', {}, null), /Introspection lists nested 4 deep exceed the limit of 3/);
  });

  it.each(DOORS)("answers GraphiQL's full introspection query (and a few __schema) over %s", async (door) => {
    const full = await run(door, getIntrospectionQuery({ descriptions: true, inputValueDeprecation: true }), {}, door === 'HTTP' ? null : h.merchant.secretKey);
    expect(full.errors).toBeUndefined();
    expect(full.data.__schema.types.map((type: { name: string }) => type.name)).toContain('Payment');
    const few = await run(door, aliasedSchemas(3));
    expect(few.errors).toBeUndefined();
    expect(Object.keys(few.data)).toHaveLength(3);
    refusedBy(await run(door, aliasedSchemas(4)), /cost \d+ exceeds the limit/);
  });
});
