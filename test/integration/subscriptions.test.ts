import WebSocket from 'ws';
import { startHarness, paymentInput, type Harness } from '../support/gateway-harness';
import { completeSession, listenToUpdates, untilLaterUpdateHeard, untilSubscriptionsActive, waitFor, wsClient } from '../support/checkout-kit';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});
// Each test counts the subscriptions it opens (untilSubscriptionsActive): start from none.
afterEach(async () => untilSubscriptionsActive(h, 0));

const create = async (key = h.merchant.secretKey) => (await h.rest('POST', '/api/v1/payment', { body: paymentInput(), key })).body;

describe('paymentUpdated', () => {
  it("never carries another merchant's payment, even to a subscriber of all payments", async () => {
    const other = await h.newMerchant();
    const mine = wsClient(h, h.merchant.secretKey);
    const theirs = wsClient(h, other.secretKey);
    const myUpdates = listenToUpdates(mine, null, 'ref status');
    const theirUpdates = listenToUpdates(theirs, null, 'ref status');
    await untilSubscriptionsActive(h, 2);

    const myPayment = await create();
    await completeSession(h, myPayment.providerSessionId, 'paid');
    await waitFor(() => myUpdates.received.some((u) => u.status === 'SUCCEEDED'));
    const theirPayment = await create(other.secretKey);
    await waitFor(() => theirUpdates.received.some((u) => u.ref === theirPayment.ref));
    // Anything of their payment on its way to me would arrive before a later payment of mine.
    await untilLaterUpdateHeard(mine, { subscribedAt: h, activeNow: 2, secretKey: h.merchant.secretKey });

    expect(myUpdates.received.every((u) => u.ref !== theirPayment.ref)).toBe(true);
    expect(theirUpdates.received.every((u) => u.ref !== myPayment.ref)).toBe(true);
    expect(theirUpdates.received.map((u) => u.ref)).toContain(theirPayment.ref);
    await Promise.all([mine.dispose(), theirs.dispose()]);
  });

  it("another merchant subscribing to my payment's ref hears nothing, while I, subscribed the same way, hear it", async () => {
    const other = await h.newMerchant();
    const payment = await create();
    const spy = wsClient(h, other.secretKey);
    const spied = listenToUpdates(spy, payment.ref, 'ref status');
    // The positive control: the same subscription, on a socket with the owner's key.
    const owner = wsClient(h, h.merchant.secretKey);
    const owned = listenToUpdates(owner, payment.ref, 'ref status');
    // Both registered: the spy's subscription was accepted and had every chance to hear the update.
    await untilSubscriptionsActive(h, 2);
    await completeSession(h, payment.providerSessionId, 'paid');
    expect(await owned.nth(1)).toEqual({ ref: payment.ref, status: 'SUCCEEDED' });
    // Anything on its way to the spy's socket would arrive before a later update published for the other merchant.
    await untilLaterUpdateHeard(spy, { subscribedAt: h, activeNow: 2, secretKey: other.secretKey });
    expect(spied.received).toEqual([]);
    expect(spied.errors).toEqual([]);
    await Promise.all([spy.dispose(), owner.dispose()]);
  });

  it('a socket without a key, or with a wrong one, is refused', async () => {
    for (const params of [{}, { authorization: 'Bearer sk_gw_nope' }]) {
      const closeCode = await new Promise<number>((resolve) => {
        const socket = new WebSocket(`${h.gateway.url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
        socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: params })));
        socket.on('close', (code) => resolve(code));
      });
      expect(closeCode).toBe(4403);
    }
  });

  it('a publishable key may follow its one payment, but not all payments', async () => {
    const payment = await create();
    const client = wsClient(h, h.merchant.publishableKey);
    const one = listenToUpdates(client, payment.ref, 'ref status');
    const all = listenToUpdates(client, null, 'ref status');
    await untilSubscriptionsActive(h, 1); // the one payment's; all payments' is refused, never counted
    await completeSession(h, payment.providerSessionId, 'paid');
    expect((await one.nth(1)).status).toBe('SUCCEEDED');
    await waitFor(() => all.errors.length > 0);
    expect(JSON.stringify(all.errors)).toContain('FORBIDDEN');
    expect(all.received).toEqual([]);
    await client.dispose();
  });

  it('many sockets sending the same document each hear only their own payment; a bad document is refused every time', async () => {
    const payments = [await create(), await create(), await create()];
    const clients = payments.map(() => wsClient(h, h.merchant.publishableKey));
    const listeners = payments.map((payment, i) => listenToUpdates(clients[i], payment.ref, 'ref status'));
    const twin = listenToUpdates(clients[2], payments[0].ref, 'ref status'); // a second stream of the first payment
    await untilSubscriptionsActive(h, 4);

    await completeSession(h, payments[1].providerSessionId, 'paid');
    expect(await listeners[1].nth(1)).toEqual({ ref: payments[1].ref, status: 'SUCCEEDED' });
    await completeSession(h, payments[0].providerSessionId, 'paid');
    expect(await listeners[0].nth(1)).toEqual({ ref: payments[0].ref, status: 'SUCCEEDED' });
    expect(await twin.nth(1)).toEqual({ ref: payments[0].ref, status: 'SUCCEEDED' });
    // A stray copy would arrive before a later update; each socket gets its own later one.
    for (const client of clients) await untilLaterUpdateHeard(client, { subscribedAt: h, activeNow: 4, secretKey: h.merchant.secretKey });
    expect(listeners.map((listener) => listener.received.length)).toEqual([1, 1, 0]);
    expect(twin.received).toHaveLength(1);

    // Valid documents are remembered by their text; an invalid one must be refused on every socket, every time.
    for (const client of [clients[2], clients[2], clients[1]]) {
      const bad = listenToUpdates(client, payments[2].ref, 'ref notAField');
      await waitFor(() => bad.errors.length > 0);
      expect(JSON.stringify(bad.errors)).toContain('GRAPHQL_VALIDATION_FAILED');
    }
    await Promise.all(clients.map((client) => client.dispose()));
  });
});
