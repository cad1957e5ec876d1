/**
 * Merchants and their API keys. A key is shown once, when issued, and stored only as its SHA-256
 * hash. Keys are 40 random base62 characters, so a fast hash is safe and lets us look the merchant
 * up by an index; the lookup compares hashes, never the key itself, so its timing says nothing about
 * a guessed key.
 */
import { createHash } from 'node:crypto';
import type { Orm } from '../../orm';
import { Merchant } from '../../entities/merchant.entity';
import { isPublishableKey, newMerchantId, newPublishableKey, newSecretKey } from '../ids';
import { ValidationError } from '../../domain/errors';

export type KeyScope = 'SECRET' | 'PUBLISHABLE';

export interface MerchantAuth {
  merchantId: string;
  /** SECRET: everything on the merchant's own payments; PUBLISHABLE: read one payment's status by ref. */
  scope: KeyScope;
}

export interface IssuedMerchant {
  id: string;
  name: string;
  secretKey: string;
  publishableKey: string;
}

export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Keys longer than this are not ours; refusing them early bounds the hashing work an attacker can ask for. */
const MAX_KEY_LENGTH = 200;

/**
 * How long a looked-up key is trusted without asking the database again. Every request carries a key,
 * so this saves one query per request. A rotation drops the merchant's cached keys at once, here and,
 * with Redis, on every instance (pubsub/merchant-key-changes.ts); this bounds how late a rotation
 * reaches an instance that missed its announcement.
 */
export const KEY_CACHE_TTL_MS = 10_000;
/** Live keys remembered at most; unknown keys are never remembered, so guessing cannot fill it. */
const KEY_CACHE_MAX_ENTRIES = 10_000;

interface CachedKey {
  auth: MerchantAuth;
  /** The earlier of the cache's TTL and the key's own end (a previous key's overlap). */
  trustedUntil: number;
}

export interface MerchantServiceDeps {
  orm: Orm;
  keyRotationOverlapHours: number;
  keyCacheTtlMs?: number;
  /** Tells the other instances (pubsub/merchant-key-changes.ts) to drop this merchant's cached keys. */
  announceKeyChange?: (merchantId: string) => Promise<void>;
}

export class MerchantService {
  /** Live keys by hash (see KEY_CACHE_TTL_MS). */
  private readonly keyCache = new Map<string, CachedKey>();
  /** Told of every change of a merchant's keys, made here or announced by another instance. */
  private readonly keyChangeListeners = new Set<(merchantId: string) => void>();

  private readonly orm: Orm;
  private readonly options: Omit<MerchantServiceDeps, 'orm'>;

  constructor({ orm, ...options }: MerchantServiceDeps) {
    this.orm = orm;
    this.options = options;
  }

  async createMerchant(name: string): Promise<IssuedMerchant> {
    const trimmed = name.trim();
    if (trimmed.length < 1 || trimmed.length > 200) throw ValidationError.single('name', 'must be 1..200 characters');
    const secretKey = newSecretKey();
    const publishableKey = newPublishableKey();
    const em = this.orm.em.fork();
    const merchant = em.create(Merchant, {
      id: newMerchantId(),
      name: trimmed,
      secretKeyHash: hashKey(secretKey),
      publishableKeyHash: hashKey(publishableKey),
      createdAt: new Date(),
    });
    await em.flush();
    return { id: merchant.id, name: merchant.name, secretKey, publishableKey };
  }

  /**
   * Issues a new secret key. The old one keeps working for the configured overlap, so a merchant can
   * roll it out without downtime; a key rotated before that overlap ended stops at once.
   */
  async rotateSecretKey(merchantId: string): Promise<{ id: string; secretKey: string; previousKeyValidUntil: Date }> {
    const em = this.orm.em.fork();
    const merchant = await em.findOne(Merchant, { id: merchantId });
    if (!merchant) throw ValidationError.single('id', `no merchant ${merchantId}`);
    const secretKey = newSecretKey();
    const previousKeyValidUntil = new Date(Date.now() + this.options.keyRotationOverlapHours * 3_600_000);
    merchant.previousSecretKeyHash = merchant.secretKeyHash;
    merchant.previousSecretKeyExpiresAt = previousKeyValidUntil;
    merchant.secretKeyHash = hashKey(secretKey);
    await em.flush();
    // A key this rotation ended stops now, here and, through the announcement, on every instance.
    this.keysChanged(merchantId);
    await this.options.announceKeyChange?.(merchantId);
    return { id: merchant.id, secretKey, previousKeyValidUntil };
  }

  /** The merchant and scope of a bearer key, or null for anything that is not a live key. */
  async authenticate(key: string | undefined | null): Promise<MerchantAuth | null> {
    if (!key || key.length > MAX_KEY_LENGTH) return null;
    const hash = hashKey(key);
    const now = Date.now();
    const cached = this.keyCache.get(hash);
    if (cached && cached.trustedUntil > now) return cached.auth;
    this.keyCache.delete(hash);

    const found = await this.lookUpKey(key, hash);
    if (found) {
      if (this.keyCache.size >= KEY_CACHE_MAX_ENTRIES) this.keyCache.delete(this.keyCache.keys().next().value!); // the oldest
      this.keyCache.set(hash, { auth: found.auth, trustedUntil: Math.min(now + (this.options.keyCacheTtlMs ?? KEY_CACHE_TTL_MS), found.validUntil) });
    }
    return found?.auth ?? null;
  }

  private async lookUpKey(key: string, hash: string): Promise<{ auth: MerchantAuth; validUntil: number } | null> {
    const em = this.orm.em.fork();
    if (isPublishableKey(key)) {
      const merchant = await em.findOne(Merchant, { publishableKeyHash: hash });
      return merchant ? { auth: { merchantId: merchant.id, scope: 'PUBLISHABLE' }, validUntil: Infinity } : null;
    }
    const merchant = await em.findOne(Merchant, {
      $or: [
        { secretKeyHash: hash },
        { previousSecretKeyHash: hash, previousSecretKeyExpiresAt: { $gt: new Date() } },
      ],
    });
    if (!merchant) return null;
    const validUntil = merchant.secretKeyHash === hash ? Infinity : merchant.previousSecretKeyExpiresAt!.getTime();
    return { auth: { merchantId: merchant.id, scope: 'SECRET' }, validUntil };
  }

  /** Drops this instance's cached keys of a merchant (after a rotation here or announced by another process). */
  forgetCachedKeys(merchantId: string): void {
    for (const [hash, cached] of this.keyCache) if (cached.auth.merchantId === merchantId) this.keyCache.delete(hash);
  }

  /**
   * A merchant's keys changed (rotated here, or announced by another instance): its cached keys are
   * dropped and the listeners told, so that open WebSockets re-check their key at once.
   */
  keysChanged(merchantId: string): void {
    this.forgetCachedKeys(merchantId);
    for (const listener of this.keyChangeListeners) listener(merchantId);
  }

  /** Calls `listener(merchantId)` after every change of a merchant's keys; returns the way to stop. */
  onKeysChanged(listener: (merchantId: string) => void): () => void {
    this.keyChangeListeners.add(listener);
    return () => void this.keyChangeListeners.delete(listener);
  }

  async countMerchants(): Promise<number> {
    return this.orm.em.fork().count(Merchant, {});
  }
}

/** `Authorization: Bearer <key>` → key; anything else → undefined. */
export function bearerKey(header: unknown): string | undefined {
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}
