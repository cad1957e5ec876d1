/**
 * Stripe webhooks in the gateway's words: the signature is checked over the exact raw bytes with the
 * SDK's own verifier (never a re-serialised body, never an unverified fallback), and each event type
 * the gateway acts on is mapped once to a ProviderEventOutcome.
 */
import Stripe from 'stripe';
import { WebhookSignatureError } from '../../domain/errors';
import type { ProviderEvent, ProviderWebhooks } from '../../domain/payment-provider';
import { toProviderEvent } from './stripe-mapping';

/** Stripe's own default: a signed event older than this is refused (replay protection). */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

export class StripeWebhooks implements ProviderWebhooks {
  private readonly webhooks: Pick<Stripe['webhooks'], 'constructEvent'>;
  private readonly secret: string;

  /** `secret`: the endpoint's signing secret (whsec_…). */
  constructor(deps: { webhooks: Pick<Stripe['webhooks'], 'constructEvent'>; secret: string }) {
    this.webhooks = deps.webhooks;
    this.secret = deps.secret;
  }

  parseWebhookEvent(rawBody: Buffer, signatureHeader: string | undefined): ProviderEvent {
    if (!signatureHeader) throw new WebhookSignatureError('The Stripe-Signature header is missing');
    // The SDK refuses events older than the tolerance but not ones dated ahead: a signature made with
    // a future timestamp would otherwise stay replayable for as long as that future lasts.
    const signedAt = signatureTimestamp(signatureHeader);
    if (signedAt === null) throw new WebhookSignatureError('The Stripe-Signature header needs exactly one t=<Unix seconds>');
    if (signedAt > Date.now() / 1000 + WEBHOOK_TOLERANCE_SECONDS) {
      throw new WebhookSignatureError('The Stripe-Signature timestamp is too far in the future');
    }
    let event: Stripe.Event;
    try {
      event = this.webhooks.constructEvent(rawBody, signatureHeader, this.secret, WEBHOOK_TOLERANCE_SECONDS);
    } catch (error) {
      if (error instanceof Stripe.errors.StripeSignatureVerificationError) {
        throw new WebhookSignatureError('The Stripe-Signature does not verify (wrong secret, altered body or too old)');
      }
      // Signed correctly but not an event we can read: as useless as a bad signature, and as final.
      throw new WebhookSignatureError('The webhook body is not a Stripe event');
    }
    try {
      return toProviderEvent(event);
    } catch {
      // Signed, but not an event of a shape we can read (no session, a session id that is not a
      // string, a status we do not know): refused, never guessed at, never a 500 retried for days.
      throw new WebhookSignatureError('The webhook body is not a Stripe event this gateway can read');
    }
  }
}

/**
 * The header's timestamp as the SDK's verifier reads it (items split on `,`, then on `=`; the key
 * `t`), but only when it is written plainly: one `t=` of digits. Anything the SDK could read
 * otherwise than this check (two `t=`, `+`, a decimal part) is refused, so both read the same instant.
 */
function signatureTimestamp(header: string): number | null {
  const values = header
    .split(',')
    .map((item) => item.split('='))
    .filter(([key]) => key === 't')
    .map(([, value]) => value);
  if (values.length !== 1 || !/^\d{1,12}$/.test(values[0] ?? '')) return null;
  return Number(values[0]);
}
