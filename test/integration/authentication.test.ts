import { startHarness, paymentInput, type Harness } from '../support/gateway-harness';
import type { IssuedMerchant } from '../../src/services/merchants/merchant.service';
import { PUBLISHABLE_PAYMENT_FIELDS as PUBLISHABLE_FIELDS } from '../../src/services/merchants/access-policy';

let h: Harness;
let other: IssuedMerchant;
let ref: string;
beforeAll(async () => {
  h = await startHarness();
  other = await h.newMerchant();
  ref = (await h.rest('POST', '/api/v1/payment', { body: paymentInput() })).body.ref;
});
afterAll(async () => {
  await h?.close();
});

describe('without a valid key', () => {
  it.each([
    ['no key', null],
    ['a wrong key', 'sk_gw_wrongwrongwrongwrongwrongwrongwrongwrong12'],
    ['a garbage header', 'garbage'],
  ])('%s is UNAUTHENTICATED on GraphQL and 401 on REST', async (_name, key) => {
    const graphql = await h.graphql('query ($ref: ID!) { payment(ref: $ref) { ref } }', { ref }, key);
    expect(graphql.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    const mutation = await h.graphql('mutation ($input: CreatePaymentInput!) { createPayment(input: $input) { ref } }', { input: paymentInput() }, key);
    expect(mutation.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');

    for (const [method, path] of [
      ['POST', '/api/v1/payment'],
      ['GET', `/api/v1/payment?ref=${ref}`],
      ['POST', `/api/v1/payment/expire?ref=${ref}`],
    ]) {
      const rest = await h.rest(method, path, { key, body: method === 'POST' ? paymentInput() : undefined });
      expect(rest.status).toBe(401);
      expect(rest.body.error.code).toBe('UNAUTHENTICATED');
    }
  });
});

describe('another merchant', () => {
  it('cannot read, list or expire the payment: for them it does not exist', async () => {
    const read = await h.graphql('query ($ref: ID!) { payment(ref: $ref) { ref } }', { ref }, other.secretKey);
    expect(read.errors).toBeUndefined();
    expect(read.data.payment).toBeNull();
    expect((await h.rest('GET', `/api/v1/payment?ref=${ref}`, { key: other.secretKey })).status).toBe(404);

    const list = await h.graphql('{ payments(first: 100) { edges { node { ref } } } }', {}, other.secretKey);
    expect(list.data.payments.edges).toEqual([]);

    const expire = await h.graphql('mutation ($ref: ID!) { expirePayment(ref: $ref) { status } }', { ref }, other.secretKey);
    expect(expire.errors?.[0].extensions.code).toBe('PAYMENT_NOT_FOUND');
    expect((await h.rest('POST', `/api/v1/payment/expire?ref=${ref}`, { key: other.secretKey })).status).toBe(404);

    // And the owner still sees it untouched.
    const own = await h.rest('GET', `/api/v1/payment?ref=${ref}`);
    expect(own.body.status).toBe('PENDING');
  });

  it('may use the same orderId as this merchant: orders belong to their merchant', async () => {
    const input = paymentInput();
    expect((await h.rest('POST', '/api/v1/payment', { body: input })).status).toBe(201);
    expect((await h.rest('POST', '/api/v1/payment', { body: input, key: other.secretKey })).status).toBe(201);
  });
});

describe('a publishable key', () => {
  it('reads one payment’s status fields by ref', async () => {
    const result = await h.graphql(
      'query ($ref: ID!) { payment(ref: $ref) { ref status amount currency checkoutUrl expiresAt } }',
      { ref },
      h.merchant.publishableKey,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data.payment).toMatchObject({ ref, status: 'PENDING', currency: 'USD' });
    const rest = await h.rest('GET', `/api/v1/payment?ref=${ref}`, { key: h.merchant.publishableKey });
    expect(Object.keys(rest.body).sort()).toEqual(['amount', 'checkoutUrl', 'currency', 'expiresAt', 'id', 'ref', 'status']);
  });

  it('reads over GraphQL exactly the fields REST gives it (PUBLISHABLE_FIELDS and @Authorized agree)', async () => {
    const introspection = await h.graphql('{ __type(name: "Payment") { fields { name type { kind ofType { kind ofType { kind ofType { kind } } } } } } }');
    const readable: string[] = [];
    for (const field of introspection.data.__type.fields as { name: string; type: any }[]) {
      const kinds = JSON.stringify(field.type);
      const selection = /"OBJECT"/.test(kinds) ? `${field.name} { __typename }` : field.name;
      const answer = await h.graphql(`query ($ref: ID!) { payment(ref: $ref) { ${selection} } }`, { ref }, h.merchant.publishableKey);
      if (!answer.errors) readable.push(field.name);
      else expect(answer.errors[0].extensions.code).toBe('FORBIDDEN');
    }
    expect(readable.sort()).toEqual([...PUBLISHABLE_FIELDS].sort());
  });

  it('is refused everything else', async () => {
    const key = h.merchant.publishableKey;
    const metadata = await h.graphql('query ($ref: ID!) { payment(ref: $ref) { ref metadata } }', { ref }, key);
    expect(metadata.errors?.[0].extensions.code).toBe('FORBIDDEN');
    // GraphQL nulls the refused field: the metadata never leaves the gateway.
    expect(metadata.data?.payment?.metadata ?? null).toBeNull();
    const list = await h.graphql('{ payments { edges { node { ref } } } }', {}, key);
    expect(list.errors?.[0].extensions.code).toBe('FORBIDDEN');
    const create = await h.graphql('mutation ($input: CreatePaymentInput!) { createPayment(input: $input) { ref } }', { input: paymentInput() }, key);
    expect(create.errors?.[0].extensions.code).toBe('FORBIDDEN');
    const expire = await h.graphql('mutation ($ref: ID!) { expirePayment(ref: $ref) { ref } }', { ref }, key);
    expect(expire.errors?.[0].extensions.code).toBe('FORBIDDEN');
    expect((await h.rest('POST', '/api/v1/payment', { body: paymentInput(), key })).status).toBe(403);
    expect((await h.rest('POST', `/api/v1/payment/expire?ref=${ref}`, { key })).status).toBe(403);
    expect((await h.rest('GET', `/api/v1/payment?ref=${ref}`)).body.status).toBe('PENDING');
  });
});

describe('key rotation', () => {
  it('issues a new secret key and keeps the old one working for the overlap', async () => {
    const merchant = await h.newMerchant();
    const rotated = await h.gateway.merchants.rotateSecretKey(merchant.id);
    expect(rotated.secretKey).not.toBe(merchant.secretKey);
    expect(rotated.previousKeyValidUntil.getTime()).toBeGreaterThan(Date.now());
    for (const key of [merchant.secretKey, rotated.secretKey]) {
      expect((await h.rest('POST', '/api/v1/payment', { body: paymentInput(), key })).status).toBe(201);
    }
    // A second rotation ends the first key's overlap at once: only one previous key is kept.
    const again = await h.gateway.merchants.rotateSecretKey(merchant.id);
    expect((await h.rest('POST', '/api/v1/payment', { body: paymentInput(), key: merchant.secretKey })).status).toBe(401);
    expect((await h.rest('POST', '/api/v1/payment', { body: paymentInput(), key: rotated.secretKey })).status).toBe(201);
    expect((await h.rest('POST', '/api/v1/payment', { body: paymentInput(), key: again.secretKey })).status).toBe(201);
  });
});
