import { Client, fetchExchange } from '@urql/core';
import { createHash } from 'node:crypto';
import { ApolloClient, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import type * as GraphQLRequest from 'graphql-request' with { 'resolution-mode': 'require' };
import { paymentInput, startHarness, type Harness } from '../support/gateway-harness';

// graphql-request's types are ESM-only; its CommonJS build is what jest loads.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { GraphQLClient } = require('graphql-request') as typeof GraphQLRequest;

/**
 * The gateway as merchants reach it: through the GraphQL clients they use, with those clients'
 * default options, over real HTTP. Each client's fetch is wrapped only to record the method it used.
 */
let h: Harness;
const SHOP_ORIGIN = 'https://shop.example';

beforeAll(async () => {
  h = await startHarness({ env: { CORS_ALLOWED_ORIGINS: `${SHOP_ORIGIN}, http://localhost:3000` } });
});
afterAll(async () => h?.close());

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

function recordingFetch(methods: string[]): typeof fetch {
  return (input, init) => {
    methods.push((init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase());
    return fetch(input, init);
  };
}

async function createPayment(key = h.merchant.secretKey): Promise<string> {
  const created = await h.rest('POST', '/api/v1/payment', { body: paymentInput(), key });
  expect(created.status).toBe(201);
  return created.body.ref;
}

const PAYMENT_QUERY = 'query Payment($ref: ID!) { payment(ref: $ref) { id ref status amount currency } }';
const LIST_QUERY = 'query List($first: Int) { payments(first: $first) { edges { cursor node { id ref status } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }';

describe('urql with its default options', () => {
  it('reads a payment and lists payments, sending its queries as GET', async () => {
    const ref = await createPayment();
    const methods: string[] = [];
    const client = new Client({
      url: `${h.gateway.url}/graphql`,
      exchanges: [fetchExchange],
      fetch: recordingFetch(methods),
      fetchOptions: { headers: bearer(h.merchant.secretKey) },
    });
    const read = await client.query(PAYMENT_QUERY, { ref }).toPromise();
    expect(read.error).toBeUndefined();
    expect(read.data.payment).toMatchObject({ id: ref, ref, status: 'PENDING', currency: 'USD' });

    const list = await client.query(LIST_QUERY, { first: 5 }).toPromise();
    expect(list.error).toBeUndefined();
    expect(list.data.payments.edges[0].node).toMatchObject({ id: ref, ref });
    expect(methods).toEqual(['GET', 'GET']);
  });
});

describe('Apollo Client 4', () => {
  it('normalises a payment by id with no typePolicies: a second query updates the same cache entry', async () => {
    const ref = await createPayment();
    const cache = new InMemoryCache();
    const methods: string[] = [];
    const client = new ApolloClient({
      link: new HttpLink({ uri: `${h.gateway.url}/graphql`, headers: bearer(h.merchant.secretKey), useGETForQueries: true, fetch: recordingFetch(methods) }),
      cache,
    });
    const first = await client.query({ query: gql`query ($ref: ID!) { payment(ref: $ref) { id status amount } }`, variables: { ref } });
    expect(first.data).toMatchObject({ payment: { id: ref, status: 'PENDING' } });

    await h.rest('POST', `/api/v1/payment/expire?ref=${ref}`);
    const second = await client.query({
      query: gql`query ($ref: ID!) { payment(ref: $ref) { id status currency } }`,
      variables: { ref },
      fetchPolicy: 'network-only',
    });
    expect(second.data).toMatchObject({ payment: { id: ref, status: 'EXPIRED' } });

    const stored = cache.extract() as Record<string, any>;
    // One entry for the payment, holding what both queries read, with the newer status.
    expect(stored[`Payment:${ref}`]).toMatchObject({ __typename: 'Payment', id: ref, status: 'EXPIRED', amount: 5700, currency: 'USD' });
    expect(Object.keys(stored).filter((key) => key.startsWith('Payment:'))).toEqual([`Payment:${ref}`]);
    expect(stored.ROOT_QUERY[`payment({"ref":"${ref}"})`]).toEqual({ __ref: `Payment:${ref}` });
    expect(methods).toEqual(['GET', 'GET']);
    client.stop();
  });

  it('with a persisted-query link, falls back to the full query on PERSISTED_QUERY_NOT_SUPPORTED', async () => {
    const ref = await createPayment();
    const bodies: string[] = [];
    const statuses: number[] = [];
    const recording: typeof fetch = async (input, init) => {
      const answer = await fetch(input, init);
      statuses.push(answer.status);
      bodies.push(await answer.clone().text());
      return answer;
    };
    const sha256 = (query: string) => createHash('sha256').update(query).digest('hex');
    const client = new ApolloClient({
      link: new PersistedQueryLink({ sha256 }).concat(new HttpLink({ uri: `${h.gateway.url}/graphql`, headers: bearer(h.merchant.secretKey), fetch: recording })),
      cache: new InMemoryCache(),
    });
    const read = await client.query({ query: gql`query ($ref: ID!) { payment(ref: $ref) { id status } }`, variables: { ref } });
    expect(read.data).toMatchObject({ payment: { id: ref, status: 'PENDING' } });
    expect(JSON.parse(bodies[0]).errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_SUPPORTED');
    expect(statuses).toEqual([200, 200]);
    client.stop();
  });
});

describe('graphql-request', () => {
  it("reads a payment with method: 'GET'", async () => {
    const ref = await createPayment();
    const methods: string[] = [];
    const client = new GraphQLClient(`${h.gateway.url}/graphql`, { method: 'GET', headers: bearer(h.merchant.secretKey), fetch: recordingFetch(methods) });
    const data = await client.request<{ payment: { id: string; status: string } }>(PAYMENT_QUERY, { ref });
    expect(data.payment).toMatchObject({ id: ref, status: 'PENDING' });
    expect(methods).toEqual(['GET']);
  });
});

describe('plain GET /graphql', () => {
  const url = (query: string, variables?: object) =>
    `${h.gateway.url}/graphql?query=${encodeURIComponent(query)}${variables ? `&variables=${encodeURIComponent(JSON.stringify(variables))}` : ''}`;

  it.each(['application/graphql-response+json', 'application/json'])('answers a keyed query asking for %s', async (accept) => {
    const ref = await createPayment();
    const response = await fetch(url(PAYMENT_QUERY, { ref }), { headers: { accept, ...bearer(h.merchant.secretKey) } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain(accept);
    expect(((await response.json()) as any).data.payment).toMatchObject({ id: ref, status: 'PENDING' });
  });

  it('still refuses, as a possible CSRF, a GET that carries neither Authorization nor a preflight header', async () => {
    const bare = await fetch(url('{ __typename }'), { headers: { accept: 'application/graphql-response+json' } });
    expect(bare.status).toBe(400);
    expect(((await bare.json()) as any).errors[0]).toMatchObject({ extensions: { code: 'BAD_REQUEST' }, message: expect.stringMatching(/CSRF/) });
    // The control: the same request with Apollo's preflight header passes.
    const preflighted = await fetch(url('{ __typename }'), { headers: { accept: 'application/graphql-response+json', 'apollo-require-preflight': 'true' } });
    expect(preflighted.status).toBe(200);
  });

  it('refuses a mutation sent as GET with a code, and creates nothing', async () => {
    const merchant = await h.newMerchant();
    const mutation = 'mutation ($input: CreatePaymentInput!) { createPayment(input: $input) { ref } }';
    const response = await fetch(url(mutation, { input: paymentInput() }), { headers: { accept: 'application/graphql-response+json', ...bearer(merchant.secretKey) } });
    expect(response.status).toBe(405);
    expect(((await response.json()) as any).errors[0]).toMatchObject({ extensions: { code: 'BAD_REQUEST' }, message: expect.stringMatching(/only support query operations/) });
    const list = await h.graphql('{ payments { edges { node { ref } } } }', {}, merchant.secretKey);
    expect(list.data.payments.edges).toEqual([]);
  });

  it('gives a browser navigating to /graphql the GraphiQL page, not JSON', async () => {
    const page = await fetch(`${h.gateway.url}/graphql`, { headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('GraphiQL');
  });
});

describe('Payment.id', () => {
  it('is the ref, readable with a publishable key on GraphQL and REST', async () => {
    const ref = await createPayment();
    const graphql = await h.graphql('query ($ref: ID!) { payment(ref: $ref) { id ref status } }', { ref }, h.merchant.publishableKey);
    expect(graphql.errors).toBeUndefined();
    expect(graphql.data.payment).toEqual({ id: ref, ref, status: 'PENDING' });
    // h.rest checks every answer against /api/v1/openapi.json, so the documented shape is checked too.
    const publishable = await h.rest('GET', `/api/v1/payment?ref=${ref}`, { key: h.merchant.publishableKey });
    expect(Object.keys(publishable.body).sort()).toEqual(['amount', 'checkoutUrl', 'currency', 'expiresAt', 'id', 'ref', 'status']);
    expect(publishable.body.id).toBe(ref);
    const secret = await h.rest('GET', `/api/v1/payment?ref=${ref}`);
    expect(secret.body).toMatchObject({ id: ref, ref });
  });
});

describe('CORS for a shop’s own origin', () => {
  it('answers a preflight from an allowed origin with the methods, headers and a max-age', async () => {
    for (const path of ['/graphql', '/api/v1/payment']) {
      const response = await fetch(`${h.gateway.url}${path}`, {
        method: 'OPTIONS',
        headers: { origin: SHOP_ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
      });
      expect(response.status).toBe(204);
      expect(response.headers.get('access-control-allow-origin')).toBe(SHOP_ORIGIN);
      expect(response.headers.get('access-control-allow-methods')).toBe('GET, POST');
      expect(response.headers.get('access-control-allow-headers')).toBe('authorization, content-type, idempotency-key, apollo-require-preflight, x-apollo-operation-name');
      expect(Number(response.headers.get('access-control-max-age'))).toBeGreaterThan(0);
      expect(response.headers.get('vary')).toMatch(/Origin/i);
      expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    }
  });

  it("lets an allowed origin's page read a payment with the publishable key", async () => {
    const ref = await createPayment();
    const response = await fetch(`${h.gateway.url}/graphql`, {
      method: 'POST',
      headers: { origin: SHOP_ORIGIN, 'content-type': 'application/json', ...bearer(h.merchant.publishableKey) },
      body: JSON.stringify({ query: PAYMENT_QUERY, variables: { ref } }),
    });
    expect(response.headers.get('access-control-allow-origin')).toBe(SHOP_ORIGIN);
    expect(response.headers.get('vary')).toMatch(/Origin/i);
    expect(((await response.json()) as any).data.payment.status).toBe('PENDING');
  });

  it('gives a disallowed origin no CORS header, on the preflight and the request', async () => {
    const preflight = await fetch(`${h.gateway.url}/graphql`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(preflight.headers.get('access-control-allow-methods')).toBeNull();
    const request = await h.rest('GET', '/api/v1/payment?ref=pay_000000000000000000000000', { headers: { origin: 'https://evil.example' } });
    expect(request.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('offers nothing on the Stripe webhook or the customer redirects, even to an allowed origin', async () => {
    for (const path of ['/api/v1/webhooks/stripe', '/api/v1/payment/return', '/api/v1/payment/cancel']) {
      const preflight = await fetch(`${h.gateway.url}${path}`, { method: 'OPTIONS', headers: { origin: SHOP_ORIGIN, 'access-control-request-method': 'POST' } });
      expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
      const post = await fetch(`${h.gateway.url}${path}`, { method: 'POST', headers: { origin: SHOP_ORIGIN, 'content-type': 'application/json' }, body: '{}' });
      expect(post.headers.get('access-control-allow-origin')).toBeNull();
    }
  });
});
