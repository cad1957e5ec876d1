import { freePort, startHarness, paymentInput, type Harness } from '../support/gateway-harness';
import { completeSession, deliverWebhook, eventsOfSession, listenToUpdates, untilLaterUpdateHeard, untilSubscriptionsActive, waitFor, wsClient } from '../support/checkout-kit';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});
afterEach(() => h.emulator.resetFaults());

async function createPayment(): Promise<any> {
  return (await h.rest('POST', '/api/v1/payment', { body: paymentInput() })).body;
}
const read = async (ref: string) => (await h.rest('GET', `/api/v1/payment?ref=${ref}`)).body;
/** How many calls of one kind the gateway made to the provider, from its own metrics. */
const providerCalls = (operation: string) => providerCallsOf(h, operation);
async function providerCallsOf(harness: Harness, operation: string): Promise<number> {
  const text = await (await fetch(`${harness.gateway.url}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith('gateway_provider_call_duration_seconds_count{') && line.includes(`operation="${operation}"`))
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
}
const returnPath = (payment: any, sessionId = payment.providerSessionId) => `/api/v1/payment/return?ref=${payment.ref}&session_id=${sessionId}`;

describe("the customer's return", () => {
  it('syncs with Stripe and 303s to the successUrl with ref and status', async () => {
    h.emulator.setFaults({ webhookDropRate: 1 }); // only the return can tell the gateway
    const payment = await createPayment();
    await completeSession(h, payment.providerSessionId, 'paid');
    const answer = await h.rest('GET', returnPath(payment), { key: null });
    expect(answer.status).toBe(303);
    const location = new URL(answer.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe('https://shop.example/thanks');
    expect(Object.fromEntries(location.searchParams)).toEqual({ ref: payment.ref, status: 'SUCCEEDED' });
    const stored = await read(payment.ref);
    expect(stored.events.at(-1)).toMatchObject({ from: 'PENDING', to: 'SUCCEEDED', source: 'RETURN', applied: true });
  });

  it('keeps an unpaid session PENDING', async () => {
    const payment = await createPayment();
    const answer = await h.rest('GET', returnPath(payment), { key: null });
    expect(answer.status).toBe(303);
    expect(new URL(answer.headers.get('location')!).searchParams.get('status')).toBe('PENDING');
    expect((await read(payment.ref)).version).toBe(payment.version);
  });

  it('answers 404 for an unknown ref and 400 for a session that is not the payment’s', async () => {
    const payment = await createPayment();
    const other = await createPayment();
    expect((await h.rest('GET', returnPath({ ...payment, ref: 'pay_000000000000000000000000' }), { key: null })).status).toBe(404);
    const mismatch = await h.rest('GET', returnPath(payment, other.providerSessionId), { key: null });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.error.details[0].field).toBe('session_id');
  });

  it('a payment already final is answered from the database: reloading the return asks Stripe nothing', async () => {
    const payment = await createPayment();
    await completeSession(h, payment.providerSessionId, 'paid');
    await waitFor(async () => (await read(payment.ref)).status === 'SUCCEEDED');
    const reads = async () => providerCalls('retrieve_checkout_session');
    const before = await reads();
    for (let i = 0; i < 20; i++) {
      const answer = await h.rest('GET', returnPath(payment), { key: null });
      expect(answer.status).toBe(303);
      expect(new URL(answer.headers.get('location')!).searchParams.get('status')).toBe('SUCCEEDED');
    }
    expect(await reads()).toBe(before);
    // Positive control: a payment still open is read from Stripe on its return.
    const open = await createPayment();
    await h.rest('GET', returnPath(open), { key: null });
    expect(await reads()).toBe(before + 1);
  });

  it('the cancel link 303s to the cancelUrl with ref', async () => {
    const payment = await createPayment();
    const answer = await h.rest('GET', `/api/v1/payment/cancel?ref=${payment.ref}`, { key: null });
    expect(answer.status).toBe(303);
    expect(answer.headers.get('location')).toBe(`https://shop.example/cart?ref=${payment.ref}`);
    expect((await read(payment.ref)).status).toBe('PENDING');
  });
});

describe('return and webhook racing', () => {
  it('started together, again and again: one transition, one history line, one notification each time', async () => {
    h.emulator.setFaults({ webhookDropRate: 1 }); // the test fires the webhook itself, at the same moment
    const client = wsClient(h, h.merchant.secretKey);
    const updates = listenToUpdates(client, null, 'ref status');
    await untilSubscriptionsActive(h, 1);
    const rounds = 8;
    const payments: any[] = [];
    for (let round = 0; round < rounds; round++) {
      const payment = await createPayment();
      payments.push(payment);
      await completeSession(h, payment.providerSessionId, 'paid');
      const [completed] = await eventsOfSession(h, payment.providerSessionId);
      const [webhook, redirect] = await Promise.all([
        deliverWebhook(h, JSON.stringify(completed)),
        h.rest('GET', returnPath(payment), { key: null }),
      ]);
      expect([webhook.status, redirect.status]).toEqual([200, 303]);
      const stored = await read(payment.ref);
      expect(stored.status).toBe('SUCCEEDED');
      expect(stored.version).toBe(payment.version + 1);
      expect(stored.events.filter((e: any) => e.to === 'SUCCEEDED')).toHaveLength(1);
    }
    // Every webhook and return was answered; a second notification would arrive before a later update.
    await untilLaterUpdateHeard(client, { subscribedAt: h, activeNow: 1, secretKey: h.merchant.secretKey });
    for (const payment of payments) {
      expect(updates.received.filter((u) => u.ref === payment.ref && u.status === 'SUCCEEDED')).toHaveLength(1);
    }
    await client.dispose();
  });
});

describe('when Stripe is unreachable on return', () => {
  it('still redirects, with the status the gateway knows', async () => {
    const payment = await createPayment();
    const blind = await startHarness({ stripeApiUrl: `http://127.0.0.1:${await freePort()}` });
    try {
      const answer = await blind.rest('GET', returnPath(payment), { key: null });
      expect(answer.status).toBe(303);
      expect(new URL(answer.headers.get('location')!).searchParams.get('status')).toBe('PENDING');
    } finally {
      await blind.close();
    }
  });
});

describe("the customer's redirects under a flood", () => {
  let limited: Harness;
  beforeAll(async () => {
    limited = await startHarness({ env: { RATE_LIMIT_REDIRECTS_PER_IP_PER_MINUTE: '5' } });
  });
  afterAll(async () => {
    await limited?.close();
  });

  it('are limited per address in buckets of their own: the sixth hit is 429 with Retry-After, the API is not held back', async () => {
    const created = await limited.rest('POST', '/api/v1/payment', { body: paymentInput() });
    const payment = created.body;
    const reads = () => providerCallsOf(limited, 'retrieve_checkout_session');
    const before = await reads();
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await limited.rest('GET', returnPath(payment), { key: null })).status);
    statuses.push((await limited.rest('GET', `/api/v1/payment/cancel?ref=${payment.ref}`, { key: null })).status);
    const refused = await limited.rest('GET', returnPath(payment), { key: null });
    expect(statuses).toEqual([303, 303, 303, 303, 303]);
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('RATE_LIMITED');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    // The refused hit never reached Stripe: four returns, four reads.
    expect(await reads()).toBe(before + 4);
    // The merchant's API from the same address is counted apart.
    expect((await limited.rest('GET', `/api/v1/payment?ref=${payment.ref}`)).status).toBe(200);
  });
});
