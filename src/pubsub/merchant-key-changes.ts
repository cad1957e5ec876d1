/**
 * Tells every instance that a merchant's keys changed, so each drops what its key cache holds for that
 * merchant at once (MerchantService caches looked-up keys for a few seconds). Without Redis there is
 * one instance, and the rotation made through it already cleared its cache; a rotation made by the CLI
 * then reaches it when the cached entries age out.
 */
import type Redis from 'ioredis';
import { connectRedis } from './redis-payment-pubsub';
import type { Logger } from '../logger';

const CHANNEL = 'gateway:merchant-keys-changed';

/** Announces a change of `merchantId`'s keys. A failed announcement is logged: the change itself is committed. */
export async function announceKeyChange(publisher: Redis, merchantId: string, logger: Logger): Promise<void> {
  try {
    await publisher.publish(CHANNEL, merchantId);
  } catch (error) {
    logger.error({ err: error, merchantId }, 'announcing a merchant key change failed; other instances catch up when their cache ages out');
  }
}

/** Calls `onChange(merchantId)` for every announced change; returns the listening connection, to quit on close. */
export async function listenForKeyChanges(url: string, logger: Logger, onChange: (merchantId: string) => void): Promise<Redis> {
  const subscriber = await connectRedis(url, logger);
  subscriber.on('message', (channel: string, merchantId: string) => {
    if (channel === CHANNEL) onChange(merchantId);
  });
  await subscriber.subscribe(CHANNEL);
  return subscriber;
}
