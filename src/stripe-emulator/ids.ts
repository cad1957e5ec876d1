import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Unguessable base62 text: hosted page URLs carry session ids, so they must not be enumerable. */
function randomBase62(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[bytes[i]! % ALPHABET.length];
  return out;
}

// Prefixes and lengths follow what Stripe returns, so integrators' id checks behave alike.
export const newSessionId = (): string => `cs_test_a1${randomBase62(56)}`;
export const newEventId = (): string => `evt_1${randomBase62(23)}`;
export const newPaymentIntentId = (): string => `pi_3${randomBase62(23)}`;
export const newPriceId = (): string => `price_1${randomBase62(23)}`;
export const newProductId = (): string => `prod_${randomBase62(14)}`;
export const newLineItemId = (): string => `li_1${randomBase62(23)}`;
export const newRequestId = (): string => `req_${randomBase62(14)}`;
export const newWebhookSecret = (): string => `whsec_${randomBase62(32)}`;
