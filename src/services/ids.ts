/** Opaque, unguessable identifiers and keys: base62 from the system's CSPRNG, with Stripe-like prefixes. */
import { randomInt } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export function randomBase62(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += BASE62[randomInt(62)];
  return out;
}

/** 24 base62 characters: about 143 bits, far beyond guessing. */
export const newPaymentRef = () => `pay_${randomBase62(24)}`;
export const newMerchantId = () => `mer_${randomBase62(16)}`;
export const newSecretKey = () => `sk_gw_${randomBase62(40)}`;
export const newPublishableKey = () => `pk_gw_${randomBase62(40)}`;
/** Publishable keys are public (they ship in every customer's page); secret keys are not. */
export const isPublishableKey = (key: string) => key.startsWith('pk_');
