import { startHarness, paymentInput, type Harness } from '../support/gateway-harness';

describe('GraphQL limits (checked before anything executes)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  const refusedBeforeExecution = (result: { status: number; data: unknown; errors?: any[] }, code: string, reason: RegExp) => {
    expect(result.status).toBe(400);
    expect(result.data).toBeUndefined(); // nothing was executed, so there is no data at all
    expect(result.errors?.map((e) => e.extensions.code)).toContain(code);
    expect(result.errors?.map((e) => e.message).join('\n')).toMatch(reason);
  };

  it('refuses a depth-50 query', async () => {
    let query = 'ref';
    for (let i = 0; i < 50; i++) query = `payment(ref: "pay_000000000000000000000000") { ${query} }`;
    refusedBeforeExecution(await h.graphql(`{ ${query} }`), 'GRAPHQL_VALIDATION_FAILED', /depth \d+ exceeds the limit/);
  });

  it('refuses a 1000-alias query while parsing (token limit), and 21 aliases by the alias limit', async () => {
    const aliases = (n: number) => Array.from({ length: n }, (_, i) => `a${i}: payments { pageInfo { hasNextPage } }`).join(' ');
    refusedBeforeExecution(await h.graphql(`{ ${aliases(1000)} }`), 'GRAPHQL_PARSE_FAILED', /tokens/);
    refusedBeforeExecution(await h.graphql(`{ ${aliases(21)} }`), 'GRAPHQL_VALIDATION_FAILED', /aliases 21 exceeds the limit of 20/);
  });

  it('refuses a cost bomb: several full pages of payments with their histories', async () => {
    const page = 'payments(first: 100) { edges { node { ref status events { from to source at note } lineItems { name unitAmount quantity } } } }';
    refusedBeforeExecution(await h.graphql(`{ a: ${page} b: ${page} c: ${page} }`), 'GRAPHQL_VALIDATION_FAILED', /cost \d+ exceeds the limit/);
    // Paging backwards costs the same: `last` sizes the list as `first` does.
    const backwards = page.replace('first: 100', 'last: 100');
    refusedBeforeExecution(await h.graphql(`{ a: ${backwards} b: ${backwards} c: ${backwards} }`), 'GRAPHQL_VALIDATION_FAILED', /cost \d+ exceeds the limit/);
  });

  it('still runs an ordinary full page', async () => {
    const result = await h.graphql(
      '{ payments(first: 100) { edges { cursor node { ref status amount events { from to source } lineItems { name } } } pageInfo { hasNextPage } } }',
    );
    expect(result.errors).toBeUndefined();
  });

  it('refuses batched requests', async () => {
    const response = await fetch(`${h.gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${h.merchant.secretKey}` },
      body: JSON.stringify([{ query: '{ payments { pageInfo { hasNextPage } } }' }, { query: '{ payments { pageInfo { hasNextPage } } }' }]),
    });
    expect(response.status).toBe(400);
  });

  it('refuses a cross-site simple request (CSRF prevention)', async () => {
    // What a page of another site can send without a preflight: no Authorization, no custom header,
    // a GET or a form-encoded POST. (A keyed GET is not simple: Authorization forces a preflight.)
    const get = await fetch(`${h.gateway.url}/graphql?query=${encodeURIComponent('{ payments { pageInfo { hasNextPage } } }')}`);
    expect(get.status).toBe(400);
    expect(((await get.json()) as any).errors[0].extensions.code).toBe('BAD_REQUEST');
    const form = await fetch(`${h.gateway.url}/graphql`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{"query":"{ __typename }"}' });
    expect(form.status).toBe(400);
  });

  it('answers with security headers, and refuses a body over the cap with 413 BAD_USER_INPUT', async () => {
    const answer = await h.rest('POST', '/api/v1/payment', { body: paymentInput({ metadata: { big: 'x'.repeat(300_000) } }) });
    expect(answer.status).toBe(413);
    expect(answer.body.error.code).toBe('BAD_USER_INPUT');
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    expect(answer.headers.get('x-frame-options')).toBe('SAMEORIGIN');
  });
});

describe('with NODE_ENV=production', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { NODE_ENV: 'production', STRIPE_SECRET_KEY: 'sk_test_hostile_clients' } });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('refuses introspection', async () => {
    const result = await h.graphql('{ __schema { types { name } } }');
    expect(result.errors?.[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(result.data).toBeUndefined();
  });

  it('gives no stack traces and no schema hints; errors carry code, message and request id', async () => {
    const results = [
      await h.graphql('{ paymnts { edges { node { ref } } } }'),
      await h.graphql('{ payment(ref: "nope") { ref } }'),
      await h.graphql('{ payment(ref: "pay_000000000000000000000000") { ref } }', {}, 'sk_gw_wrong'),
    ];
    for (const result of results) {
      for (const error of result.errors ?? []) {
        expect(JSON.stringify(error)).not.toMatch(/stacktrace|exception|at .*\.ts|Did you mean/);
        expect(typeof error.message).toBe('string');
        expect(error.extensions.code).toMatch(/^[A-Z_]+$/);
        expect(error.extensions.requestId).toMatch(/^[\w-]+$/);
        for (const key of Object.keys(error.extensions)) expect(['code', 'requestId', 'details', 'ref', 'status']).toContain(key);
      }
    }
    expect(results[0].errors?.length).toBeGreaterThan(0);
  });
});

describe('rate limits', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { RATE_LIMIT_PER_KEY_PER_MINUTE: '5', RATE_LIMIT_PER_IP_PER_MINUTE: '1000000' } });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('a burst past a key’s limit gets 429 RATE_LIMITED with Retry-After; another key is unaffected', async () => {
    const other = await h.newMerchant();
    const answers = [];
    for (let i = 0; i < 7; i++) answers.push(await h.rest('GET', '/api/v1/payment?ref=pay_000000000000000000000000'));
    expect(answers.slice(0, 5).map((a) => a.status)).toEqual([404, 404, 404, 404, 404]);
    const limited = answers[5];
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);

    const graphql = await h.graphql('{ payments { pageInfo { hasNextPage } } }');
    expect(graphql.status).toBe(429);
    expect(graphql.errors?.[0].extensions.code).toBe('RATE_LIMITED');

    const unaffected = await h.rest('GET', '/api/v1/payment?ref=pay_000000000000000000000000', { key: other.secretKey });
    expect(unaffected.status).toBe(404);
  });
});

describe('per-IP limit', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { RATE_LIMIT_PER_IP_PER_MINUTE: '8', RATE_LIMIT_PER_KEY_PER_MINUTE: '1000000' } });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('counts every request from one address, with or without a key', async () => {
    const statuses = [];
    for (let i = 0; i < 10; i++) statuses.push((await h.rest('GET', '/api/v1/payment?ref=pay_000000000000000000000000', { key: i % 2 ? null : h.merchant.secretKey })).status);
    expect(statuses.slice(8)).toEqual([429, 429]);
  });
});
