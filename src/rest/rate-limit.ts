/**
 * Per-key and per-IP rate limits (fixed one-minute windows), answered 429 RATE_LIMITED with
 * Retry-After. The counters live in Redis when REDIS_URL is set, so every instance counts together;
 * otherwise (or while Redis does not answer) in this process. Keys are counted by their hash: a limit
 * on wrong keys slows guessing too.
 */
import type { RequestHandler, Response } from 'express';
import type Redis from 'ioredis';
import { RateLimitedError } from '../domain/errors';
import { bearerKey, hashKey } from '../services/merchants/merchant.service';
import { isPublishableKey } from '../services/ids';
import type { Logger } from '../logger';
import type { GatewayMetrics } from '../telemetry/metrics';

export interface WindowCount {
  count: number;
  resetInMs: number;
}

export interface RateLimitStore {
  /**
   * Counts one hit of each bucket in its current window, all in one round trip; answers, in the
   * buckets' order, each count and the time left in its window.
   */
  hit(buckets: string[], windowMs: number): Promise<WindowCount[]>;
}

export class InProcessRateLimitStore implements RateLimitStore {
  private readonly windows = new Map<string, { count: number; endsAt: number }>();

  async hit(buckets: string[], windowMs: number): Promise<WindowCount[]> {
    return buckets.map((bucket) => this.hitOne(bucket, windowMs));
  }

  private hitOne(bucket: string, windowMs: number): WindowCount {
    const now = Date.now();
    let window = this.windows.get(bucket);
    if (!window || window.endsAt <= now) {
      if (this.windows.size > 100_000) this.forgetEnded(now); // bounded memory under a flood of new buckets
      window = { count: 0, endsAt: now + windowMs };
      this.windows.set(bucket, window);
    }
    window.count += 1;
    return { count: window.count, resetInMs: window.endsAt - now };
  }

  private forgetEnded(now: number): void {
    for (const [bucket, window] of this.windows) if (window.endsAt <= now) this.windows.delete(bucket);
  }
}

/** While counting in process, how often one request tries Redis again (the others do not wait on it). */
const REDIS_RETRY_INTERVAL_MS = 1000;

/**
 * Counts in Redis. When a Redis call fails or times out (see connectRedis's failFast), it counts in
 * this process instead, so a Redis outage costs the limits their sharing across instances (each
 * instance then allows the limit on its own) and never a request. The outage is logged once when it
 * starts and once when it ends; each check counted in process moves gateway_rate_limit_fallback_total.
 */
export class RedisRateLimitStore implements RateLimitStore {
  private readonly local = new InProcessRateLimitStore();
  private countingLocally = false;
  private nextRedisAttemptAt = 0;

  private readonly redis: Redis;
  private readonly logger: Logger;
  private readonly metrics?: GatewayMetrics;

  constructor(deps: { redis: Redis; logger: Logger; metrics?: GatewayMetrics }) {
    this.redis = deps.redis;
    this.logger = deps.logger;
    this.metrics = deps.metrics;
  }

  async hit(buckets: string[], windowMs: number): Promise<WindowCount[]> {
    if (this.countingLocally && Date.now() < this.nextRedisAttemptAt) return this.hitLocally(buckets, windowMs);
    try {
      const counts = await this.hitInRedis(buckets, windowMs);
      if (this.countingLocally) {
        this.countingLocally = false;
        this.logger.warn('Redis answers again: rate limits are counted in Redis again, across instances');
      }
      return counts;
    } catch (error) {
      this.nextRedisAttemptAt = Date.now() + REDIS_RETRY_INTERVAL_MS;
      if (!this.countingLocally) {
        this.countingLocally = true;
        this.logger.error({ err: error }, 'Redis does not answer: rate limits are counted by each instance on its own until it does');
      }
      return this.hitLocally(buckets, windowMs);
    }
  }

  private hitLocally(buckets: string[], windowMs: number): Promise<WindowCount[]> {
    this.metrics?.rateLimitFallback();
    return this.local.hit(buckets, windowMs);
  }

  private async hitInRedis(buckets: string[], windowMs: number): Promise<WindowCount[]> {
    const transaction = this.redis.multi();
    for (const bucket of buckets) {
      const key = `gateway:rate:${bucket}`;
      transaction.incr(key).pexpire(key, windowMs, 'NX').pttl(key);
    }
    const results = (await transaction.exec()) ?? [];
    return buckets.map((_, i) => {
      const ttl = Number(results[3 * i + 2]?.[1] ?? windowMs);
      return { count: Number(results[3 * i]?.[1] ?? 0), resetInMs: ttl > 0 ? ttl : windowMs };
    });
  }
}

export interface RateLimits {
  perKeyPerMinute: number;
  perIpPerMinute: number;
  /** Counts in buckets of their own, apart from the API's (the customer's redirects): their names' prefix. */
  scope?: string;
}

const WINDOW_MS = 60_000;

/**
 * Counts one request (an HTTP request, or one operation or connection over WebSocket) against its
 * client address and, when it carries one, its key, in the same buckets whichever door it came
 * through. Answers the error to give when a limit is exceeded, else null.
 */
export async function countRequest(
  store: RateLimitStore,
  limits: RateLimits,
  caller: { address: string | undefined; key: string | undefined },
): Promise<RateLimitedError | null> {
  const scope = limits.scope ?? '';
  const checks = [{ bucket: `${scope}ip:${caller.address ?? 'unknown'}`, limit: limits.perIpPerMinute }];
  if (caller.key) {
    // A publishable key is in every customer's page: counted per key alone, anyone could spend a
    // shop's budget and lock all its customers out. So it is counted per key and address.
    const holder = isPublishableKey(caller.key) ? `${hashKey(caller.key)}:${caller.address ?? 'unknown'}` : hashKey(caller.key);
    checks.push({ bucket: `${scope}key:${holder}`, limit: limits.perKeyPerMinute });
  }
  const windows = await store.hit(checks.map((check) => check.bucket), WINDOW_MS);
  const exceeded = windows.find((window, i) => window.count > checks[i].limit);
  return exceeded ? new RateLimitedError(Math.max(1, Math.ceil(exceeded.resetInMs / 1000))) : null;
}

/** The HTTP door's limit: `render` answers in the door's own shape (REST error body, or GraphQL errors). */
export function rateLimit(store: RateLimitStore, limits: RateLimits, render: (res: Response, error: RateLimitedError) => void): RequestHandler {
  return async (req, res, next) => {
    const error = await countRequest(store, limits, { address: req.ip ?? req.socket.remoteAddress, key: bearerKey(req.headers.authorization) });
    if (error) {
      res.setHeader('Retry-After', String(error.retryAfterSeconds));
      render(res, error);
      return;
    }
    next();
  };
}
