/**
 * The merchant key cache (MerchantService): a looked-up key is trusted for a bounded time, never past
 * its own end, and a rotation made by another process (the CLI, another instance) reaches this one
 * within that time, or at once when it is announced through Redis. Two MerchantService instances on
 * their own connections play the two processes.
 */
import 'reflect-metadata';
import { loadConfig } from '../../src/config';
import { createOrm, type Orm } from '../../src/orm';
import { MerchantService } from '../../src/services/merchants/merchant.service';
import { sleep, waitFor } from '../support/checkout-kit';
import { testLogger } from '../support/gateway-harness';
import { announceKeyChange, listenForKeyChanges } from '../../src/pubsub/merchant-key-changes';
import { connectRedis } from '../../src/pubsub/redis-payment-pubsub';

let gatewayOrm: Orm;
let cliOrm: Orm;

beforeAll(async () => {
  const database = loadConfig({ DATABASE_URL: process.env.TEST_DATABASE_URL! }).database;
  [gatewayOrm, cliOrm] = await Promise.all([createOrm(database), createOrm(database)]);
});
afterAll(async () => {
  await Promise.all([gatewayOrm?.close(), cliOrm?.close()]);
});

it("honours another process's revocation once the cache's time is up, not before", async () => {
  const gateway = new MerchantService({ orm: gatewayOrm, keyRotationOverlapHours: 24, keyCacheTtlMs: 400 });
  const cli = new MerchantService({ orm: cliOrm, keyRotationOverlapHours: 24 });
  const merchant = await cli.createMerchant('Cached merchant');
  expect(await gateway.authenticate(merchant.secretKey)).toEqual({ merchantId: merchant.id, scope: 'SECRET' });

  // Two rotations elsewhere end the first key at once in the database…
  await cli.rotateSecretKey(merchant.id);
  await cli.rotateSecretKey(merchant.id);
  expect(await cli.authenticate(merchant.secretKey)).toBeNull();
  // …and here once the cached answer has aged out.
  // A real wait on purpose: what is tested is the cache's time passing (its TTL), not an event to wait for.
  await sleep(450);
  expect(await gateway.authenticate(merchant.secretKey)).toBeNull();
});

it("never trusts a previous key past its overlap, however long the cache's time", async () => {
  const overlapHours = 0.5 / 3600; // half a second
  const gateway = new MerchantService({ orm: gatewayOrm, keyRotationOverlapHours: overlapHours, keyCacheTtlMs: 60_000 });
  const merchant = await gateway.createMerchant('Overlapping merchant');
  const rotated = await gateway.rotateSecretKey(merchant.id);
  expect(await gateway.authenticate(merchant.secretKey)).toEqual({ merchantId: merchant.id, scope: 'SECRET' });
  // A real wait on purpose: what is tested is the clock passing the overlap's end, not an event to wait for.
  await sleep(rotated.previousKeyValidUntil.getTime() - Date.now() + 50);
  expect(await gateway.authenticate(merchant.secretKey)).toBeNull();
  expect(await gateway.authenticate(rotated.secretKey)).toEqual({ merchantId: merchant.id, scope: 'SECRET' });
});

it('remembers no unknown key, so a key issued a moment later works at once', async () => {
  const gateway = new MerchantService({ orm: gatewayOrm, keyRotationOverlapHours: 24, keyCacheTtlMs: 60_000 });
  expect(await gateway.authenticate('sk_test_not_issued_yet')).toBeNull();
  const merchant = await gateway.createMerchant('New merchant');
  expect(await gateway.authenticate(merchant.publishableKey)).toEqual({ merchantId: merchant.id, scope: 'PUBLISHABLE' });
});

it("clears another instance's cached key at once when the rotation is announced through Redis", async () => {
  const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const logger = testLogger();
  const gateway = new MerchantService({ orm: gatewayOrm, keyRotationOverlapHours: 24, keyCacheTtlMs: 60_000 });
  const listener = await listenForKeyChanges(redisUrl, logger, (merchantId) => gateway.forgetCachedKeys(merchantId));
  const publisher = await connectRedis(redisUrl, logger);
  const cli = new MerchantService({ orm: cliOrm, keyRotationOverlapHours: 24, announceKeyChange: (merchantId) => announceKeyChange(publisher, merchantId, logger) });
  try {
    const merchant = await cli.createMerchant('Announced merchant');
    expect(await gateway.authenticate(merchant.secretKey)).toEqual({ merchantId: merchant.id, scope: 'SECRET' });
    await cli.rotateSecretKey(merchant.id);
    await cli.rotateSecretKey(merchant.id); // the first key's overlap ends now
    // The cache would trust the key for a minute; only the announcement can end it this soon.
    await waitFor(async () => (await gateway.authenticate(merchant.secretKey)) === null, 3000);
  } finally {
    await Promise.all([listener.quit(), publisher.quit()]);
  }
});
