import Stripe from 'stripe';
import { Receiver, RunningEmulator, nowSeconds, sessionParams, startEmulator, startReceiver, waitFor } from './emulator-test-kit';

let em: RunningEmulator;
let stripe: Stripe;
let receiver: Receiver;

beforeAll(async () => {
  receiver = await startReceiver();
  em = await startEmulator({ expiryCheckIntervalMs: 50, webhookUrls: [receiver.url] });
  stripe = em.stripe();
});
afterAll(async () => {
  await em.emulator.close();
  await receiver.close();
});

const eventsOf = (sessionId: string) =>
  receiver.deliveries
    .filter((d) => (d.event.data.object as Stripe.Checkout.Session).id === sessionId)
    .map((d) => d.event.type);

/** What a browser does with the form: POST the chosen button, without following the redirect. */
const press = (url: string, action: string) =>
  fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ action }).toString(),
    redirect: 'manual',
  });

describe('the hosted checkout page', () => {
  it('shows the order summary with amounts in the currency units, and the payment buttons', async () => {
    const session = await stripe.checkout.sessions.create(sessionParams());
    const res = await fetch(session.url!);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = await res.text();
    expect(html).toContain('T-shirt');
    expect(html).toContain('Socks');
    expect(html).toContain('$12.50');
    expect(html).toContain('$30.00');
    expect(html).toMatch(/<button[^>]*value="pay"[^>]*>Pay<\/button>/);
    expect(html).toMatch(/<button[^>]*value="decline"[^>]*>Decline<\/button>/);
    expect(html).toContain('Bank debit: succeeds later');
    expect(html).toContain('href="https://merchant.example/cancel"');
  });

  it('formats zero-decimal currencies in whole units and escapes merchant text', async () => {
    const session = await stripe.checkout.sessions.create(
      sessionParams({
        line_items: [{ price_data: { currency: 'jpy', unit_amount: 5000, product_data: { name: '<b>Tea</b>' } }, quantity: 1 }],
      }),
    );
    const html = await (await fetch(session.url!)).text();
    expect(html).toContain('¥5,000');
    expect(html).toContain('&lt;b&gt;Tea&lt;/b&gt;');
    expect(html).not.toContain('<b>Tea</b>');
  });

  it('Pay completes the session and redirects (303) to success_url with the id filled in', async () => {
    const session = await stripe.checkout.sessions.create(sessionParams());
    // Submit the form where a browser would: its action resolved against the page's URL.
    const html = await (await fetch(session.url!)).text();
    const action = /<form method="post" action="([^"]+)"/.exec(html)![1]!;
    const res = await press(new URL(action, session.url!).toString(), 'pay');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`https://merchant.example/return?session_id=${session.id}`);
    expect(await stripe.checkout.sessions.retrieve(session.id)).toMatchObject({ status: 'complete', payment_status: 'paid' });
    await waitFor(() => eventsOf(session.id).includes('checkout.session.completed'));

    const page = await (await fetch(`${em.url}/c/pay/${session.id}`)).text();
    expect(page).toContain('the payment was received');
    expect(page).not.toContain('value="pay"');
  });

  it('Decline shows a declined message and leaves the session open, as at Stripe', async () => {
    const session = await stripe.checkout.sessions.create(sessionParams());
    const res = await press(session.url!, 'decline');
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Your card was declined');
    expect(await stripe.checkout.sessions.retrieve(session.id)).toMatchObject({ status: 'open', payment_status: 'unpaid' });
    expect(eventsOf(session.id)).toEqual([]);
    // The customer may try again and pay.
    expect((await press(session.url!, 'pay')).status).toBe(303);
  });

  it('the bank debit completes unpaid, redirects, and settles later', async () => {
    const session = await stripe.checkout.sessions.create(sessionParams());
    const res = await press(session.url!, 'async_failed');
    expect(res.status).toBe(303);
    expect(await stripe.checkout.sessions.retrieve(session.id)).toMatchObject({ status: 'complete', payment_status: 'unpaid' });
    await waitFor(() => eventsOf(session.id).length === 2);
    expect(eventsOf(session.id)).toEqual(['checkout.session.completed', 'checkout.session.async_payment_failed']);
  });

  it('an expired session cannot be paid: the page says so', async () => {
    const session = await stripe.checkout.sessions.create(sessionParams());
    await stripe.checkout.sessions.expire(session.id);
    const page = await (await fetch(`${em.url}/c/pay/${session.id}`)).text();
    expect(page).toContain('has expired');
    expect(page).not.toContain('value="pay"');
    const res = await press(`${em.url}/c/pay/${session.id}`, 'pay');
    expect(res.status).toBe(409);
    expect((await stripe.checkout.sessions.retrieve(session.id)).status).toBe('expired');
  });

  it('answers 404 for an unknown session', async () => {
    expect((await fetch(`${em.url}/c/pay/cs_test_unknown`)).status).toBe(404);
  });
});

describe('automatic expiry', () => {
  it('expires an open session once expires_at passes, and emits checkout.session.expired', async () => {
    const session = await stripe.checkout.sessions.create(sessionParams({ expires_at: nowSeconds() + 31 * 60 }));
    const paid = await stripe.checkout.sessions.create(sessionParams({ expires_at: nowSeconds() + 31 * 60 }));
    await press(paid.url!, 'pay');

    em.emulator.advanceClock(32 * 60);
    // Left to the periodic check: nothing reads the session meanwhile.
    await waitFor(() => eventsOf(session.id).includes('checkout.session.expired'));
    const delivered = receiver.deliveries.find(
      (d) => d.event.type === 'checkout.session.expired' && (d.event.data.object as Stripe.Checkout.Session).id === session.id,
    )!;
    expect(delivered.event.request).toEqual({ id: null, idempotency_key: null });
    expect(await stripe.checkout.sessions.retrieve(session.id)).toMatchObject({ status: 'expired', url: null });
    // A completed session never expires.
    expect((await stripe.checkout.sessions.retrieve(paid.id)).status).toBe('complete');
    expect(eventsOf(paid.id)).not.toContain('checkout.session.expired');
  });

  it('a read after expires_at already sees the session expired, before any periodic check', async () => {
    const slow = await startEmulator({ expiryCheckIntervalMs: 60_000 });
    try {
      const client = slow.stripe();
      const session = await client.checkout.sessions.create(sessionParams({ expires_at: nowSeconds() + 30 * 60 }));
      slow.emulator.advanceClock(30 * 60 + 5);
      expect((await client.checkout.sessions.retrieve(session.id)).status).toBe('expired');
      const [event] = (await client.events.list({ type: 'checkout.session.expired' })).data;
      expect((event!.data.object as Stripe.Checkout.Session).id).toBe(session.id);
      // The emulator's clock also governs new sessions' allowed expires_at window.
      await expect(client.checkout.sessions.create(sessionParams({ expires_at: nowSeconds() + 31 * 60 }))).rejects.toMatchObject({
        param: 'expires_at',
      });
    } finally {
      await slow.emulator.close();
    }
  });

  it('refuses to move the clock backwards', () => {
    expect(() => em.emulator.advanceClock(-1)).toThrow(RangeError);
  });
});
