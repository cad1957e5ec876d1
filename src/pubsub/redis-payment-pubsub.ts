/**
 * Payment updates across instances: every instance publishes to one Redis channel and every instance
 * listens to it, so a subscriber on one instance hears a webhook taken by another. In this mode the
 * local delivery also goes through Redis, so each update reaches each subscriber exactly once.
 */
import Redis from 'ioredis';
import { InProcessPaymentPubSub, type PaymentPubSub, type PaymentUpdate } from './payment-pubsub';
import type { Logger } from '../logger';

const CHANNEL = 'gateway:payment-updated';
const DATE_FIELDS = ['expiresAt', 'createdAt', 'updatedAt'] as const;

export class RedisPaymentPubSub implements PaymentPubSub {
  /** This instance's own subscribers; Redis messages are handed to them. */
  private readonly local = new InProcessPaymentPubSub();

  private constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    private readonly logger: Logger,
  ) {
    subscriber.on('message', (channel: string, message: string) => {
      if (channel !== CHANNEL) return;
      try {
        void this.local.publish(revive(JSON.parse(message)));
      } catch (error) {
        this.logger.error({ err: error }, 'unreadable payment update from Redis');
      }
    });
  }

  /**
   * Connects both clients before anything is published or subscribed: a SUBSCRIBE sent before the
   * connection is ready can be silently lost, so the channel is joined here, once, and awaited.
   */
  static async connect(url: string, logger: Logger): Promise<RedisPaymentPubSub> {
    const [publisher, subscriber] = await Promise.all([connectRedis(url, logger, { failFast: true }), connectRedis(url, logger)]);
    await subscriber.subscribe(CHANNEL);
    return new RedisPaymentPubSub(publisher, subscriber, logger);
  }

  /**
   * Through Redis, so every instance hears it. When Redis does not take it, this instance's own
   * subscribers still hear it (at once, from here) and the failure is passed on to be logged;
   * subscribers on other instances miss it until Redis is back (see README "Redis down").
   */
  async publish(update: PaymentUpdate): Promise<void> {
    try {
      await this.publisher.publish(CHANNEL, JSON.stringify(update));
    } catch (error) {
      await this.local.publish(update);
      throw error;
    }
  }

  subscribe(listener: (update: PaymentUpdate) => void): Promise<() => Promise<void>> {
    return this.local.subscribe(listener);
  }

  async close(): Promise<void> {
    await this.local.close();
    await Promise.all([closeRedis(this.subscriber), closeRedis(this.publisher)]);
  }
}

/** JSON turns dates into strings; the rest of the gateway expects Date objects. */
function revive(update: PaymentUpdate): PaymentUpdate {
  const payment = update.payment as unknown as Record<string, unknown>;
  for (const field of DATE_FIELDS) payment[field] = new Date(payment[field] as string);
  for (const event of update.payment.events) event.at = new Date(event.at as unknown as string);
  return update;
}

/** How long a command on a fail-fast connection may wait for Redis before it counts as failed. */
const COMMAND_TIMEOUT_MS = 1000;

/**
 * A Redis client that is connected when returned: commands sent before readiness can be lost. It
 * reconnects by itself for as long as it lives. `failFast` is for connections on a request's path
 * (rate-limit counters, publishing): while Redis is away their commands fail at once (no offline
 * queue) or after COMMAND_TIMEOUT_MS (a Redis that hangs), so the caller can fall back instead of
 * holding the request. A subscriber connection keeps the defaults: ioredis resubscribes on reconnect.
 */
export async function connectRedis(url: string, logger: Logger, options: { failFast?: boolean } = {}): Promise<Redis> {
  const client = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: options.failFast ? 0 : 3,
    ...(options.failFast ? { enableOfflineQueue: false, commandTimeout: COMMAND_TIMEOUT_MS } : {}),
  });
  // Reconnection attempts fail every second or two during an outage: one line when it starts, one when it ends.
  let down = false;
  client.on('error', (error) => {
    if (down) return;
    down = true;
    logger.warn({ err: error }, 'Redis connection lost; reconnecting');
  });
  client.on('ready', () => {
    if (!down) return;
    down = false;
    logger.info('Redis connection back');
  });
  await client.connect();
  return client;
}

/** Closes a client politely when Redis answers, and stops its reconnecting in any case. */
export async function closeRedis(client: Redis): Promise<void> {
  try {
    await client.quit();
  } catch {
    // Redis away: nothing to say goodbye to.
  } finally {
    client.disconnect();
  }
}
