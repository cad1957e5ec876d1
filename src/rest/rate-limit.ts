/**
 * Per-key and per-IP rate limits (fixed one-minute windows), answered 429 RATE_LIMITED with
 * Retry-After. The counters live in Redis when REDIS_URL is set, so every instance counts together;
 * otherwise in this process. Keys are counted by their hash: a limit on wrong keys slows guessing too.
 */
import type { RequestHandler, Response } from 'express';
import type Redis from 'ioredis';
import { RateLimitedError } from '../domain/errors';
import { bearerKey, hashKey } from '../services/merchants/merchant.service';

export interface RateLimitStore {
  /** Counts one hit of `bucket` in the current window; answers the count and the window's remaining time. */
  hit(bucket: string, windowMs: number): Promise<{ count: number; resetInMs: number }>;
}

export class InProcessRateLimitStore implements RateLimitStore {
  private readonly windows = new Map<string, { count: number; endsAt: number }>();

  async hit(bucket: string, windowMs: number) {
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

export class RedisRateLimitStore implements RateLimitStore {
  constructor(private readonly redis: Redis) {}

  async hit(bucket: string, windowMs: number) {
    const key = `gateway:rate:${bucket}`;
    const results = await this.redis.multi().incr(key).pexpire(key, windowMs, 'NX').pttl(key).exec();
    const count = Number(results?.[0]?.[1] ?? 0);
    const ttl = Number(results?.[2]?.[1] ?? windowMs);
    return { count, resetInMs: ttl > 0 ? ttl : windowMs };
  }
}

export interface RateLimits {
  perKeyPerMinute: number;
  perIpPerMinute: number;
}

const WINDOW_MS = 60_000;

/**
 * Counts the request against its client address and, when it carries one, its key. `render` answers
 * in the door's own shape (REST error body, or GraphQL errors).
 */
export function rateLimit(store: RateLimitStore, limits: RateLimits, render: (res: Response, error: RateLimitedError) => void): RequestHandler {
  return async (req, res, next) => {
    const key = bearerKey(req.headers.authorization);
    const checks: [string, number][] = [[`ip:${req.ip ?? req.socket.remoteAddress ?? 'unknown'}`, limits.perIpPerMinute]];
    if (key) checks.push([`key:${hashKey(key)}`, limits.perKeyPerMinute]);
    for (const [bucket, limit] of checks) {
      const { count, resetInMs } = await store.hit(bucket, WINDOW_MS);
      if (count > limit) {
        const error = new RateLimitedError(Math.max(1, Math.ceil(resetInMs / 1000)));
        res.setHeader('Retry-After', String(error.retryAfterSeconds));
        render(res, error);
        return;
      }
    }
    next();
  };
}
