import { startHarness, paymentInput, type Harness } from '../support/gateway-harness';
import { completeSession } from '../support/checkout-kit';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});
afterEach(() => h.emulator.resetFaults());

const create = async () => (await h.rest('POST', '/api/v1/payment', { body: paymentInput() })).body;
const read = async (ref: string) => (await h.rest('GET', `/api/v1/payment?ref=${ref}`)).body;

describe('expire racing the payment', () => {
  it('a session paid before the expire (the gateway not yet told): SUCCEEDED, and the expire is INVALID_PAYMENT_STATE', async () => {
    h.emulator.setFaults({ webhookDropRate: 1 });
    const payment = await create();
    await completeSession(h, payment.providerSessionId, 'paid');
    const expire = await h.rest('POST', `/api/v1/payment/expire?ref=${payment.ref}`);
    expect(expire.status).toBe(409);
    expect(expire.body.error).toMatchObject({ code: 'INVALID_PAYMENT_STATE', status: 'SUCCEEDED' });
    expect((await read(payment.ref)).status).toBe('SUCCEEDED');
  });

  it('started together, again and again: the provider decides, and a completed session is never EXPIRED', async () => {
    for (let round = 0; round < 10; round++) {
      const payment = await create();
      const [expire] = await Promise.all([
        h.rest('POST', `/api/v1/payment/expire?ref=${payment.ref}`),
        completeSession(h, payment.providerSessionId, 'paid').catch(() => undefined), // refused if expired first
      ]);
      const session = await h.stripe.checkout.sessions.retrieve(payment.providerSessionId);
      const stored = await read(payment.ref);
      if (session.status === 'complete') {
        expect(expire.status).toBe(409);
        // Refused by Stripe, the expire read the session and recorded what really happened.
        expect(stored.status).toBe('SUCCEEDED');
        expect(stored.events.some((e: any) => e.to === 'EXPIRED')).toBe(false);
      } else {
        expect(session.status).toBe('expired');
        expect(expire.status).toBe(200);
        expect(stored.status).toBe('EXPIRED');
      }
    }
  });
});
