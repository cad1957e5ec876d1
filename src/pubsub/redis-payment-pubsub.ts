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
    const [publisher, subscriber] = await Promise.all([connectRedis(url, logger), connectRedis(url, logger)]);
    await subscriber.subscribe(CHANNEL);
    return new RedisPaymentPubSub(publisher, subscriber, logger);
  }

  async publish(update: PaymentUpdate): Promise<void> {
    await this.publisher.publish(CHANNEL, JSON.stringify(update));
  }

  subscribe(listener: (update: PaymentUpdate) => void): Promise<() => Promise<void>> {
    return this.local.subscribe(listener);
  }

  async close(): Promise<void> {
    await this.local.close();
    await Promise.allSettled([this.subscriber.quit(), this.publisher.quit()]);
  }
}

/** JSON turns dates into strings; the rest of the gateway expects Date objects. */
function revive(update: PaymentUpdate): PaymentUpdate {
  const payment = update.payment as unknown as Record<string, unknown>;
  for (const field of DATE_FIELDS) payment[field] = new Date(payment[field] as string);
  for (const event of update.payment.events) event.at = new Date(event.at as unknown as string);
  return update;
}

/** A Redis client that is connected when returned: commands sent before readiness can be lost. */
export async function connectRedis(url: string, logger: Logger): Promise<Redis> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 3 });
  client.on('error', (error) => logger.warn({ err: error }, 'Redis connection error'));
  await client.connect();
  return client;
}
