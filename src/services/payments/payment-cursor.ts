/**
 * Relay cursors of `payments`: opaque to callers, a payment's position (its row id) to us.
 *
 * A row id is global: in clear it would tell every merchant how many payments the whole gateway
 * holds. So the id is sealed with AES-256-GCM under a key of the merchant's own, derived (HKDF) from
 * the gateway's cursor secret and the merchant id. Every instance holding the same secret reads every
 * other's cursors, across restarts; another merchant's key fails the authentication tag, so its
 * cursor is refused like any forgery and tells nothing.
 *
 * The nonce is synthetic (an HMAC of the id under a second derived key, as in SIV): the same payment
 * always gets the same cursor, which client caches compare, and no two ids ever share a nonce.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync } from 'node:crypto';
import { ValidationError } from '../../domain/errors';

const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const ID_BYTES = 8;
/** Bound into every tag: a sealed value made for another purpose never reads as a cursor. */
const ASSOCIATED_DATA = Buffer.from('payment-cursor:v1');

interface MerchantKeys {
  encryption: Buffer;
  nonce: Buffer;
}

export class PaymentCursors {
  private readonly keys = new Map<string, MerchantKeys>();

  /**
   * `secret`: shared by every instance and unknown outside (config.ts decides where it comes from and
   * how long it must be). Any secret the configuration accepts is used, through HKDF: a short test key
   * (`sk_test_x` against an emulator) must not stop the gateway from starting.
   */
  constructor(private readonly secret: string) {
    if (secret.length === 0) throw new Error('PaymentCursors: the cursor secret is empty');
  }

  encode(merchantId: string, rowId: number): string {
    const keys = this.keysOf(merchantId);
    const plain = Buffer.alloc(ID_BYTES);
    plain.writeBigUInt64BE(BigInt(rowId));
    const nonce = createHmac('sha256', keys.nonce).update(plain).digest().subarray(0, NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', keys.encryption, nonce, { authTagLength: TAG_BYTES });
    cipher.setAAD(ASSOCIATED_DATA);
    const sealed = Buffer.concat([cipher.update(plain), cipher.final()]);
    return Buffer.concat([nonce, sealed, cipher.getAuthTag()]).toString('base64url');
  }

  /** The row id in a cursor this merchant was given; anything else is the caller's BAD_USER_INPUT on `field`. */
  decode(merchantId: string, cursor: string, field: 'after' | 'before'): number {
    const refused = () => ValidationError.single(field, 'is not a cursor returned by this API to this merchant (pageInfo.startCursor, pageInfo.endCursor or an edge cursor)');
    const bytes = Buffer.from(cursor, 'base64url');
    if (bytes.length !== NONCE_BYTES + ID_BYTES + TAG_BYTES || bytes.toString('base64url') !== cursor) throw refused();
    const keys = this.keysOf(merchantId);
    const decipher = createDecipheriv('aes-256-gcm', keys.encryption, bytes.subarray(0, NONCE_BYTES), { authTagLength: TAG_BYTES });
    decipher.setAAD(ASSOCIATED_DATA);
    decipher.setAuthTag(bytes.subarray(NONCE_BYTES + ID_BYTES));
    let plain: Buffer;
    try {
      plain = Buffer.concat([decipher.update(bytes.subarray(NONCE_BYTES, NONCE_BYTES + ID_BYTES)), decipher.final()]);
    } catch {
      throw refused(); // the tag did not match: tampered, made up, or another merchant's
    }
    const id = plain.readBigUInt64BE();
    if (id < 1n || id > BigInt(Number.MAX_SAFE_INTEGER)) throw refused();
    return Number(id);
  }

  private keysOf(merchantId: string): MerchantKeys {
    let keys = this.keys.get(merchantId);
    if (!keys) {
      const derive = (purpose: string) => Buffer.from(hkdfSync('sha256', this.secret, merchantId, `payment-cursor:${purpose}`, 32));
      keys = { encryption: derive('encryption'), nonce: derive('nonce') };
      // One entry per merchant that paged; the bound only keeps memory flat whatever the merchant count.
      if (this.keys.size >= 10_000) this.keys.clear();
      this.keys.set(merchantId, keys);
    }
    return keys;
  }
}
