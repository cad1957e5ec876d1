import { startHarness, paymentInput, type Harness } from '../support/gateway-harness';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';
import { completeSession, deliverWebhook, eventsOfSession, waitFor } from '../support/checkout-kit';

describe('the database going away during a webhook', () => {
  let proxy: TcpProxy;
  let h: Harness;
  /** The emulator's log: each webhook attempt and its outcome. */
  const emulatorLog: string[] = [];
  beforeAll(async () => {
    const database = new URL(process.env.TEST_DATABASE_URL!);
    proxy = await startTcpProxy(database.hostname, Number(database.port || 3306));
    const throughProxy = new URL(database);
    throughProxy.hostname = '127.0.0.1';
    throughProxy.port = String(proxy.port);
    h = await startHarness({ env: { DATABASE_URL: throughProxy.toString() }, emulator: { log: (line) => emulatorLog.push(line) } });
  });
  afterAll(async () => {
    proxy?.restore();
    await h?.close();
    await proxy?.close();
  });

  it('answers non-2xx while it is gone, and the retried delivery applies the transition once it is back', async () => {
    const payment = (await h.rest('POST', '/api/v1/payment', { body: paymentInput() })).body;
    expect(payment.status).toBe('PENDING');

    proxy.cut();
    await completeSession(h, payment.providerSessionId, 'paid'); // the emulator starts delivering now
    const [completed] = await eventsOfSession(h, payment.providerSessionId);
    const whileDown = await deliverWebhook(h, JSON.stringify(completed));
    expect(whileDown.status).toBeGreaterThanOrEqual(500);
    expect((await h.rest('GET', '/readyz', { key: null })).status).toBe(503);
    // The emulator's own deliveries fail too: it has retried at least twice.
    const failedDelivery = new RegExp(`webhook \\S+ ${completed.id} -> .*: (HTTP 5\\d\\d|no answer); retry in`);
    await waitFor(() => emulatorLog.filter((line) => failedDelivery.test(line)).length >= 2, 10_000);

    proxy.restore();
    const stored = await waitFor(async () => {
      const current = await h.rest('GET', `/api/v1/payment?ref=${payment.ref}`);
      return current.status === 200 && current.body.status === 'SUCCEEDED' && current.body;
    }, 20_000);
    expect(stored.events.filter((e: any) => e.to === 'SUCCEEDED')).toEqual([
      expect.objectContaining({ from: 'PENDING', source: 'WEBHOOK', applied: true, providerEventId: completed.id }),
    ]);
  }, 40_000);
});
