/**
 * The bugs the fuzz suite found, each kept by its smallest reproduction as a regression test. A new
 * bug found in code that cannot be fixed at once goes here as a `test.failing` (it passes while the
 * bug is there and fails once it is fixed), with its entry in KNOWN_BUGS (fuzz-support.ts), which
 * the fuzz properties then tolerate unless FUZZ_STRICT=1.
 *
 * Runs on a database of its own: one of these bugs let a signed webhook reach an arbitrary payment.
 */
import { createHmac } from 'node:crypto';
import { startHarness, paymentInput, type Harness } from '../support/gateway-harness';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-database';
import { send } from './fuzz-support';

let db: ScratchDatabase;
let h: Harness;
beforeAll(async () => {
  db = await createScratchDatabase();
  h = await startHarness({ env: { DATABASE_URL: db.url } });
});
afterAll(async () => {
  await h?.close();
  await db?.drop();
});

const signed = (body: string) => {
  const t = Math.floor(Date.now() / 1000);
  return { 'content-type': 'application/json', 'stripe-signature': `t=${t},v1=${createHmac('sha256', h.webhookSecret).update(`${t}.${body}`).digest('hex')}` };
};

describe("bugs the fuzz suite found, each kept as a regression test", () => {
  it('fixed undecodable-compressed-body-is-500: a gzip/deflate/br body that does not inflate is 400, not 500', async () => {
    for (const [path, encoding] of [['/api/v1/payment', 'gzip'], ['/api/v1/payment', 'br'], ['/graphql', 'deflate'], ['/api/v1/webhooks/stripe', 'gzip']]) {
      const answer = await send(h.gateway.url, {
        method: 'POST',
        path,
        headers: { 'content-type': 'application/json', 'content-encoding': encoding, authorization: `Bearer ${h.merchant.secretKey}`, 'stripe-signature': 't=1,v1=0' },
        body: '{}',
      });
      expect([path, answer.status]).toEqual([path, 400]);
    }
  });

  it('fixed apq-request-errors-are-internal-server-error: persisted queries are not offered, with a documented code', async () => {
    const answer = await send(h.gateway.url, {
      method: 'POST',
      path: '/graphql',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${h.merchant.secretKey}` },
      body: JSON.stringify({ query: '{ __typename }', extensions: { persistedQuery: { version: 1, sha256Hash: 'ab'.repeat(32) } } }),
    });
    expect(answer.json.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_SUPPORTED');
  });

  it('fixed subscription-over-http-is-internal-server-error: a subscription over HTTP is refused as a request error', async () => {
    const answer = await send(h.gateway.url, {
      method: 'POST',
      path: '/graphql',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'subscription { paymentUpdated { ref } }' }),
    });
    expect(answer.json.errors.map((e: any) => e.extensions.code)).not.toContain('INTERNAL_SERVER_ERROR');
  });

  it('fixed subscription-directive-with-variable-is-500: a subscription with @include(if: $var) over HTTP is refused, not a 500', async () => {
    const answer = await send(h.gateway.url, {
      method: 'POST',
      path: '/graphql',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'subscription ($flag: Boolean!) { paymentUpdated @include(if: $flag) { ref } }', variables: { flag: true } }),
    });
    expect(answer.status).toBeLessThan(500);
  });

  it('fixed signed-unreadable-event-is-500: a signed event without a readable session is 400', async () => {
    for (const body of ['null', '{"id":"evt_x","type":"checkout.session.completed"}', '{"id":"evt_y","type":"checkout.session.expired","data":{"object":{"id":"cs_unknown","status":"weird"}}}']) {
      const answer = await send(h.gateway.url, { method: 'POST', path: '/api/v1/webhooks/stripe', headers: signed(body), body });
      expect([body, answer.status < 500]).toEqual([body, true]);
    }
  });

  it(
    'fixed signed-event-session-id-is-an-orm-operator: a signed event whose session id is {"$ne": null} is refused and completes nobody\'s payment',
    async () => {
      const created = await h.rest('POST', '/api/v1/payment', { body: paymentInput() });
      expect(created.status).toBe(201);
      const body = JSON.stringify({
        id: 'evt_injected',
        object: 'event',
        type: 'checkout.session.completed',
        data: { object: { id: { $ne: null }, object: 'checkout.session', status: 'complete', payment_status: 'paid' } },
      });
      const answer = await send(h.gateway.url, { method: 'POST', path: '/api/v1/webhooks/stripe', headers: signed(body), body });
      const after = await h.rest('GET', `/api/v1/payment?ref=${created.body.ref}`);
      expect({ answer: answer.status, status: after.body.status }).toEqual({ answer: 400, status: 'PENDING' });
    },
  );

  it(
    'fixed multi-createPayment-document-hides-created-payments: a document with two createPayment is refused before anything is made',
    async () => {
      const merchant = await h.newMerchant();
      const input = (currency: string) =>
        `{orderId: "${paymentInput().orderId}", currency: "${currency}", lineItems: [{name: "Mug", unitAmount: 1200, quantity: 1}], successUrl: "https://shop.example/ok", cancelUrl: "https://shop.example/no"}`;
      const answer = await h.graphql(`mutation { a: createPayment(input: ${input('usd')}) { ref } b: createPayment(input: ${input('XYZ')}) { ref } }`, {}, merchant.secretKey);
      const reported = [answer.data?.a?.ref].filter(Boolean);
      const held = await h.graphql('{ payments { edges { node { ref } } } }', {}, merchant.secretKey);
      expect(held.data.payments.edges.map((edge: any) => edge.node.ref)).toEqual(reported);
    },
  );
});
