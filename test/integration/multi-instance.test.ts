import { randomBytes } from 'node:crypto';
import { createStripeEmulator, type StripeEmulator } from '../../src/stripe-emulator';
import { freePort, paymentInput, sdkFor } from '../support/gateway-harness';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process';
import { completeSession, listenToUpdates, untilEventsDelivered, untilLaterUpdateHeard, untilSubscriptionsActive, wsClient } from '../support/checkout-kit';
import { loadConfig } from '../../src/config';
import { createOrm } from '../../src/orm';
import { MerchantService } from '../../src/services/merchants/merchant.service';

/**
 * Two gateway processes sharing MariaDB and Redis, one emulator delivering webhooks only to the
 * second: a subscriber on the first must still hear the payment succeed.
 */
describe('two gateway instances sharing MariaDB and Redis', () => {
  const webhookSecret = `whsec_${randomBytes(16).toString('hex')}`;
  let emulator: StripeEmulator;
  let emulatorUrl: string;
  let first: GatewayProcess;
  let second: GatewayProcess;
  let secretKey: string;

  beforeAll(async () => {
    emulator = createStripeEmulator({ webhookSecret, webhookUrls: [], webhookRetry: { initialDelayMs: 200, maxAttempts: 8 } });
    emulatorUrl = (await emulator.listen(0, '127.0.0.1')).url;
    const env = (port: number) => ({
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      DATABASE_URL: process.env.TEST_DATABASE_URL!,
      REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
      STRIPE_API_URL: emulatorUrl,
      STRIPE_WEBHOOK_SECRET: webhookSecret,
      RECONCILER_ENABLED: 'false',
      RATE_LIMIT_PER_KEY_PER_MINUTE: '1000000',
      RATE_LIMIT_PER_IP_PER_MINUTE: '1000000',
      RATE_LIMIT_REDIRECTS_PER_IP_PER_MINUTE: '1000000',
    });
    [first, second] = await Promise.all([startGatewayProcess(env(await freePort())), startGatewayProcess(env(await freePort()))]);
    emulator.setWebhookUrls([`${second.url}/api/v1/webhooks/stripe`]);

    const orm = await createOrm(loadConfig({ DATABASE_URL: process.env.TEST_DATABASE_URL! }).database);
    secretKey = (await new MerchantService({ orm, keyRotationOverlapHours: 1 }).createMerchant('Two instances')).secretKey;
    await orm.close();
  }, 60_000);

  afterAll(async () => {
    await Promise.all([first?.stop(), second?.stop()]);
    await emulator?.close();
  });

  it('a subscriber on the first hears a payment whose webhook the second took, exactly once', async () => {
    const created = await fetch(`${first.url}/api/v1/payment`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${secretKey}` },
      body: JSON.stringify(paymentInput()),
    });
    const payment = (await created.json()) as any;
    expect(created.status).toBe(201);

    const harnessLike = { gateway: { url: first.url }, emulatorUrl, stripe: sdkFor(emulatorUrl) } as any;
    const client = wsClient(harnessLike, secretKey);
    const updates = listenToUpdates(client, payment.ref, 'ref status version');
    await untilSubscriptionsActive({ gateway: first }, 1);
    await completeSession(harnessLike, payment.providerSessionId, 'paid');

    expect(await updates.nth(1)).toEqual({ ref: payment.ref, status: 'SUCCEEDED', version: payment.version + 1 });
    // The second answered the delivery; a repeat from it would reach the first before a later update it publishes.
    await untilEventsDelivered(harnessLike, payment.providerSessionId);
    await untilLaterUpdateHeard(client, { subscribedAt: { gateway: first }, activeNow: 1, secretKey, createAt: { gateway: second } });
    expect(updates.received).toHaveLength(1);
    expect(second.output()).toContain('provider event handled');
    expect(first.output()).not.toContain('provider event handled');
    await client.dispose();
  });
});
