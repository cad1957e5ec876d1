import { startHarness, paymentInput, type Harness } from '../support/gateway-harness';
import { completeSession, deliverWebhook, eventAbout, eventsOfSession, listenToUpdates, untilEventsDelivered, untilLaterUpdateHeard, untilSubscriptionsActive, waitFor, wsClient } from '../support/checkout-kit';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});
afterEach(async () => {
  h.emulator.resetFaults();
  await untilSubscriptionsActive(h, 0); // the tests count the subscriptions they open
});

async function createPayment(): Promise<any> {
  const created = await h.rest('POST', '/api/v1/payment', { body: paymentInput() });
  expect(created.status).toBe(201);
  return created.body;
}

const read = async (ref: string) => (await h.rest('GET', `/api/v1/payment?ref=${ref}`)).body;
const appliedChanges = (payment: any) => payment.events.filter((e: any) => e.applied && e.from !== null);

describe('a paid checkout', () => {
  it('reaches a subscriber as SUCCEEDED exactly once, version + 1, with PENDING → SUCCEEDED from WEBHOOK in the history', async () => {
    const payment = await createPayment();
    const client = wsClient(h, h.merchant.secretKey);
    const updates = listenToUpdates(client, payment.ref);
    await untilSubscriptionsActive(h, 1); // the subscription reached the server: paying now cannot be missed

    await completeSession(h, payment.providerSessionId, 'paid');
    const update = await updates.nth(1);
    expect(update).toMatchObject({ ref: payment.ref, status: 'SUCCEEDED', version: payment.version + 1 });
    expect(update.events.at(-1)).toMatchObject({ from: 'PENDING', to: 'SUCCEEDED', source: 'WEBHOOK', applied: true });
    expect(update.events.at(-1).providerEventId).toMatch(/^evt_/);

    // The gateway answered the delivery; a second notification would arrive before a later update.
    await untilEventsDelivered(h, payment.providerSessionId);
    await untilLaterUpdateHeard(client, { subscribedAt: h, activeNow: 1, secretKey: h.merchant.secretKey });
    expect(updates.received).toHaveLength(1);
    expect(updates.errors).toEqual([]);
    await client.dispose();
  });
});

describe('duplicates and order', () => {
  it('the same event delivered 10 times at once: ten 200s, one transition, one notification', async () => {
    h.emulator.setFaults({ webhookDropRate: 1 }); // we deliver it ourselves
    const payment = await createPayment();
    const client = wsClient(h, h.merchant.secretKey);
    const updates = listenToUpdates(client, payment.ref);
    await untilSubscriptionsActive(h, 1);
    await completeSession(h, payment.providerSessionId, 'paid');
    const [completed] = await eventsOfSession(h, payment.providerSessionId);
    expect(completed.type).toBe('checkout.session.completed');

    const payload = JSON.stringify(completed);
    const answers = await Promise.all(Array.from({ length: 10 }, () => deliverWebhook(h, payload)));
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));

    await updates.nth(1);
    // All ten were answered; a second notification would arrive before a later update.
    await untilLaterUpdateHeard(client, { subscribedAt: h, activeNow: 1, secretKey: h.merchant.secretKey });
    expect(updates.received).toHaveLength(1);
    const stored = await read(payment.ref);
    expect(stored.status).toBe('SUCCEEDED');
    expect(stored.version).toBe(payment.version + 1);
    expect(appliedChanges(stored).filter((e: any) => e.to === 'SUCCEEDED')).toHaveLength(1);
    expect(stored.events.filter((e: any) => e.providerEventId === completed.id)).toHaveLength(1);
    await client.dispose();
  });

  it('an expired event after the completed one (reordered): stays SUCCEEDED, the late event recorded once as ignored', async () => {
    const payment = await createPayment();
    await completeSession(h, payment.providerSessionId, 'paid');
    await waitFor(async () => (await read(payment.ref)).status === 'SUCCEEDED');

    const session = await h.stripe.checkout.sessions.retrieve(payment.providerSessionId);
    const late = eventAbout({ ...session, status: 'expired', payment_status: 'unpaid' }, 'checkout.session.expired');
    for (let i = 0; i < 3; i++) expect((await deliverWebhook(h, late)).status).toBe(200);

    const stored = await read(payment.ref);
    expect(stored.status).toBe('SUCCEEDED');
    const ignored = stored.events.filter((e: any) => e.providerEventType === 'checkout.session.expired');
    expect(ignored).toEqual([expect.objectContaining({ applied: false, from: 'SUCCEEDED', to: 'EXPIRED', source: 'WEBHOOK' })]);
  });
});

describe('signatures', () => {
  it.each([
    ['a re-serialised body', (payload: string) => ({ body: JSON.stringify(JSON.parse(payload), null, 2), options: {}, sign: payload })],
    ['a wrong secret', (payload: string) => ({ body: payload, options: { secret: 'whsec_not_the_right_one' } })],
    ['a timestamp older than 300 s', (payload: string) => ({ body: payload, options: { timestamp: Math.floor(Date.now() / 1000) - 301 } })],
    ['a timestamp more than 300 s ahead', (payload: string) => ({ body: payload, options: { timestamp: Math.floor(Date.now() / 1000) + 301 } })],
    ['a timestamp a year ahead', (payload: string) => ({ body: payload, options: { timestamp: Math.floor(Date.now() / 1000) + 365 * 86_400 } })],
    ['no Stripe-Signature header', (payload: string) => ({ body: payload, options: { signature: null } })],
    ['a garbage header', (payload: string) => ({ body: payload, options: { signature: 't=1,v1=00' } })],
  ])('%s: 400 and no change', async (_name, tamper) => {
    h.emulator.setFaults({ webhookDropRate: 1 });
    const payment = await createPayment();
    await completeSession(h, payment.providerSessionId, 'paid');
    const [completed] = await eventsOfSession(h, payment.providerSessionId);
    const payload = JSON.stringify(completed);
    const { body, options, sign } = tamper(payload) as { body: string; options: any; sign?: string };

    let response: Response;
    if (sign !== undefined) {
      // Signed over the original bytes, sent re-serialised: what a JSON parser before the route would do.
      const { default: Stripe } = await import('stripe');
      const signature = Stripe.webhooks.generateTestHeaderString({ payload: sign, secret: h.webhookSecret });
      response = await deliverWebhook(h, body, { signature });
    } else {
      response = await deliverWebhook(h, body, options);
    }
    expect(response.status).toBe(400);
    expect(((await response.json()) as any).error.code).toBe('BAD_USER_INPUT');
    const stored = await read(payment.ref);
    expect(stored.status).toBe('PENDING');
    expect(stored.version).toBe(payment.version);
  });
});

describe('asynchronous payments and declines', () => {
  it('async_succeeded: PENDING (recorded, not applied) then SUCCEEDED', async () => {
    const payment = await createPayment();
    await completeSession(h, payment.providerSessionId, 'async_succeeded');
    const stored = await waitFor(async () => {
      const current = await read(payment.ref);
      return current.status === 'SUCCEEDED' && current;
    });
    const provider = stored.events.filter((e: any) => e.source === 'WEBHOOK');
    expect(provider.map((e: any) => [e.providerEventType, e.applied, e.to])).toEqual([
      ['checkout.session.completed', false, 'PENDING'],
      ['checkout.session.async_payment_succeeded', true, 'SUCCEEDED'],
    ]);
    expect(provider[0].note).toMatch(/not settled/);
  });

  it('async_failed: ends FAILED', async () => {
    const payment = await createPayment();
    await completeSession(h, payment.providerSessionId, 'async_failed');
    const stored = await waitFor(async () => {
      const current = await read(payment.ref);
      return current.status === 'FAILED' && current;
    });
    expect(stored.events.at(-1)).toMatchObject({ from: 'PENDING', to: 'FAILED', source: 'WEBHOOK', providerEventType: 'checkout.session.async_payment_failed' });
  });

  it('Decline on the hosted page leaves the payment PENDING', async () => {
    const payment = await createPayment();
    const page = await fetch(payment.checkoutUrl);
    expect(page.status).toBe(200);
    const declined = await fetch(payment.checkoutUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'action=decline',
      redirect: 'manual',
    });
    expect(declined.status).toBeLessThan(500);
    // A decline emits no event, so no webhook is on its way: the checks below cannot be early.
    expect(await eventsOfSession(h, payment.providerSessionId)).toEqual([]);
    const session = await h.stripe.checkout.sessions.retrieve(payment.providerSessionId);
    expect(session.status).toBe('open');
    expect((await read(payment.ref)).status).toBe('PENDING');
  });

});

describe('clocks that disagree a little', () => {
  it('a signature dated within 300 s ahead (a sender whose clock runs fast) is accepted', async () => {
    h.emulator.setFaults({ webhookDropRate: 1 });
    const payment = await createPayment();
    await completeSession(h, payment.providerSessionId, 'paid');
    const [completed] = await eventsOfSession(h, payment.providerSessionId);
    const response = await deliverWebhook(h, JSON.stringify(completed), { timestamp: Math.floor(Date.now() / 1000) + 240 });
    expect(response.status).toBe(200);
    expect((await read(payment.ref)).status).toBe('SUCCEEDED');
  });
});

describe('events that are not ours', () => {
  it('an unknown session or event type is acknowledged with 200 and changes nothing', async () => {
    const payment = await createPayment();
    const session = await h.stripe.checkout.sessions.retrieve(payment.providerSessionId);
    const stranger = eventAbout({ ...session, id: 'cs_test_not_ours', client_reference_id: null }, 'checkout.session.completed');
    const otherType = eventAbout(session, 'customer.created');
    for (const payload of [stranger, otherType]) expect((await deliverWebhook(h, payload)).status).toBe(200);
    expect((await read(payment.ref)).version).toBe(payment.version);
  });
});

// Last: moving the emulator's clock forward makes every later expires_at look too near to it.
describe('time running out at Stripe', () => {
  it('an expired session (time ran out at Stripe) ends EXPIRED from the webhook', async () => {
    const payment = await createPayment();
    h.emulator.advanceClock(61 * 60);
    const stored = await waitFor(async () => {
      const current = await read(payment.ref);
      return current.status === 'EXPIRED' && current;
    });
    expect(stored.events.at(-1)).toMatchObject({ from: 'PENDING', to: 'EXPIRED', source: 'WEBHOOK', providerEventType: 'checkout.session.expired' });
  });
});
