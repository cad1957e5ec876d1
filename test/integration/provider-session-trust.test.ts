/**
 * A signed provider event is believed only when it is about the payment's own session and charges the
 * payment's amount in its currency. Anything else is recorded, not applied, logged at error level and
 * counted, whether it arrives as a webhook or is read on the customer's return.
 */
import { Writable } from 'node:stream';
import type Stripe from 'stripe';
import { createLogger } from '../../src/logger';
import { startHarness, paymentInput, type Harness } from '../support/gateway-harness';
import { completeSession, deliverWebhook, eventAbout, waitFor } from '../support/checkout-kit';

let h: Harness;
const logLines: any[] = [];
beforeAll(async () => {
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) logLines.push(JSON.parse(line));
      done();
    },
  });
  // A short provider timeout lets a test lose a create's answer quickly (the create itself goes on).
  h = await startHarness({ logger: createLogger('debug', sink), env: { STRIPE_TIMEOUT_MS: '1000' } });
});
afterAll(async () => {
  await h?.close();
});
afterEach(() => h.emulator.resetFaults());

const read = async (ref: string) => (await h.rest('GET', `/api/v1/payment?ref=${ref}`)).body;

async function mismatchCount(reason: string, source: string): Promise<number> {
  const text = await (await fetch(`${h.gateway.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`gateway_provider_session_mismatches_total{reason="${reason}",source="${source}"}`));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

/** 100 000 USD: one line item of 10 000 000 cents. */
const bigPayment = () => paymentInput({ lineItems: [{ name: 'Car', unitAmount: 10_000_000, quantity: 1 }] });

async function createPayment(input = bigPayment()): Promise<any> {
  const created = await h.rest('POST', '/api/v1/payment', { body: input });
  expect(created.status).toBe(201);
  return created.body;
}

describe('an event whose amount or currency differ from the payment', () => {
  it('a signed completion charging 1 JPY for a 100 000 USD payment is recorded not applied, logged at error and counted', async () => {
    h.emulator.setFaults({ webhookDropRate: 1 }); // only the forged event reaches the gateway
    const payment = await createPayment();
    expect(payment.amount).toBe(10_000_000);
    const before = await mismatchCount('currency', 'WEBHOOK');

    const session = await h.stripe.checkout.sessions.retrieve(payment.providerSessionId);
    const forged = eventAbout(
      { ...session, status: 'complete', payment_status: 'paid', amount_total: 1, currency: 'jpy' } as Stripe.Checkout.Session,
      'checkout.session.completed',
      `evt_forged_currency_${payment.ref}`,
    );
    expect((await deliverWebhook(h, forged)).status).toBe(200);
    // The same event again adds nothing.
    expect((await deliverWebhook(h, forged)).status).toBe(200);

    const stored = await read(payment.ref);
    expect(stored.status).toBe('PENDING');
    expect(stored.version).toBe(payment.version);
    const recorded = stored.events.filter((e: any) => e.providerEventId === `evt_forged_currency_${payment.ref}`);
    expect(recorded).toEqual([
      expect.objectContaining({ applied: false, from: 'PENDING', to: 'SUCCEEDED', source: 'WEBHOOK', note: expect.stringContaining('JPY') }),
    ]);
    expect(await mismatchCount('currency', 'WEBHOOK')).toBe(before + 2);
    const errors = logLines.filter((l) => l.level === 50 && l.ref === payment.ref && l.reason === 'currency');
    expect(errors.length).toBeGreaterThanOrEqual(1);
    expect(errors[0]).toMatchObject({ sessionId: payment.providerSessionId, session: { amount: 1, currency: 'JPY' } });
  });

  it('the right currency but a smaller amount is refused too; the real completion then applies', async () => {
    h.emulator.setFaults({ webhookDropRate: 1 });
    const payment = await createPayment();
    const session = await h.stripe.checkout.sessions.retrieve(payment.providerSessionId);
    const forged = eventAbout({ ...session, status: 'complete', payment_status: 'paid', amount_total: 50 } as Stripe.Checkout.Session, 'checkout.session.completed', `evt_forged_amount_${payment.ref}`);
    expect((await deliverWebhook(h, forged)).status).toBe(200);
    const stored = await read(payment.ref);
    expect(stored.status).toBe('PENDING');
    expect(stored.events.at(-1)).toMatchObject({ applied: false, providerEventId: `evt_forged_amount_${payment.ref}`, note: expect.stringContaining('amount 50') });

    // Positive control: the session's true event, with its true amount, is applied.
    h.emulator.resetFaults();
    await completeSession(h, payment.providerSessionId, 'paid');
    await waitFor(async () => (await read(payment.ref)).status === 'SUCCEEDED');
  });
});

describe('a PROCESSING payment and a session it did not create', () => {
  it('does not adopt a 0.50 USD session made elsewhere with its ref; it takes its own session and stays unpaid', async () => {
    h.emulator.setFaults({ apiErrorRate: 1 }); // the create never reaches the emulator's state
    const refused = await h.rest('POST', '/api/v1/payment', { body: bigPayment() });
    expect(refused.status).toBe(503);
    const ref = refused.body.error.ref;
    expect((await read(ref)).status).toBe('PROCESSING');
    h.emulator.resetFaults();
    const before = await mismatchCount('foreign_session', 'WEBHOOK');

    // Anyone with a key to the Stripe account can write our ref into a session of their own.
    const foreign = await h.stripe.checkout.sessions.create({
      mode: 'payment',
      client_reference_id: ref,
      line_items: [{ price_data: { currency: 'usd', unit_amount: 50, product_data: { name: 'Cheap' } }, quantity: 1 }],
      success_url: 'https://attacker.example/ok',
    });
    await completeSession(h, foreign.id, 'paid'); // the emulator delivers the signed completion to the gateway

    const stored = await waitFor(async () => {
      const p = await read(ref);
      return p.events.some((e: any) => e.providerEventType === 'checkout.session.completed') && p;
    });
    expect(stored.status).toBe('PENDING');
    expect(stored.providerSessionId).not.toBe(foreign.id);
    expect(stored.amount).toBe(10_000_000);
    expect(stored.events.at(-1)).toMatchObject({ applied: false, to: 'SUCCEEDED', note: expect.stringContaining(foreign.id) });
    expect(await mismatchCount('foreign_session', 'WEBHOOK')).toBe(before + 1);

    // The session it took is the one its own create makes: the same idempotency key gives it back.
    const own = await h.stripe.checkout.sessions.retrieve(stored.providerSessionId);
    expect(own).toMatchObject({ client_reference_id: ref, amount_total: 10_000_000, currency: 'usd' });

    // Positive control: paying its own session succeeds it.
    await completeSession(h, own.id, 'paid');
    await waitFor(async () => (await read(ref)).status === 'SUCCEEDED');
  });

  it('a PROCESSING payment whose session was made before the answer was lost adopts that session from its webhook', async () => {
    // The create reaches the emulator, whose answer is then lost: the gateway gives up before it comes.
    h.emulator.setFaults({ apiLatencyMs: 8_000 });
    const cut = await h.rest('POST', '/api/v1/payment', { body: paymentInput() });
    expect(cut.status).toBe(503);
    const ref = cut.body.error.ref;
    h.emulator.resetFaults();
    const made = await waitFor(async () => (await h.stripe.checkout.sessions.list({ limit: 100 })).data.find((s) => s.client_reference_id === ref), 20_000);
    expect((await read(ref)).status).toBe('PROCESSING');

    await completeSession(h, made.id, 'paid');
    const paid = await waitFor(async () => {
      const p = await read(ref);
      return p.status === 'SUCCEEDED' && p;
    });
    expect(paid.providerSessionId).toBe(made.id);
  }, 60_000);
});
