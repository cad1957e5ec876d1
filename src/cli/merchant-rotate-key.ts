/**
 * `npm run merchant:rotate-key -- --id mer_…`: issues a new secret key, printed once as a JSON line.
 * The old key keeps working until `previousKeyValidUntil` (KEY_ROTATION_OVERLAP_HOURS, default 24).
 */
import { MerchantService } from '../services/merchants/merchant.service';
import { announceKeyChange } from '../pubsub/merchant-key-changes';
import Redis from 'ioredis';
import pino from 'pino';
import { createLogger } from '../logger';
import { flag, runWithDatabase } from './cli-support';

void runWithDatabase(async (orm, config) => {
  const id = flag('id');
  if (!id) throw new Error('Usage: npm run merchant:rotate-key -- --id mer_…');
  // With REDIS_URL, running gateways drop their cached keys of this merchant at once. Logs go to stderr:
  // stdout carries only the new key.
  const logger = createLogger(config.logLevel, pino.destination(2));
  const redis = config.redisUrl ? await connectOnce(config.redisUrl) : null;
  try {
    const merchants = new MerchantService({
      orm,
      keyRotationOverlapHours: config.keyRotationOverlapHours,
      announceKeyChange: redis ? (merchantId) => announceKeyChange(redis, merchantId, logger) : undefined,
    });
    const rotated = await merchants.rotateSecretKey(id);
    process.stdout.write(`${JSON.stringify(rotated)}\n`);
  } finally {
    await redis?.quit();
  }
});

/** One attempt, no reconnection loop: a tool must end, and must say so when Redis is away. */
async function connectOnce(url: string): Promise<Redis> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null, connectTimeout: 5000 });
  client.on('error', () => undefined); // reported by the rejected connect below
  try {
    await client.connect();
    return client;
  } catch (error) {
    client.disconnect();
    throw new Error(`Redis at REDIS_URL is unreachable (${(error as Error).message}); nothing was rotated. Running gateways must hear of a rotation: start Redis, or unset REDIS_URL if none runs.`);
  }
}
