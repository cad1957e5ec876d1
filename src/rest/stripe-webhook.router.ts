/**
 * POST /api/v1/webhooks/stripe. The raw body is kept for the signature (this router has its own raw
 * parser and is mounted before any JSON parser). Answers, as Stripe reads them:
 * 400 bad signature (never retried, nothing touched); 200 handled, duplicate, or not ours;
 * 5xx when something transient failed (the database, say), so Stripe delivers the event again.
 */
import express, { Router } from 'express';
import type { ProviderWebhooks } from '../domain/payment-provider';
import { PaymentEventSource } from '../domain/payment-status';
import type { ApplyProviderEvent, ProviderEventHandling } from '../services/payments/use-cases/apply-provider-event';
import type { GatewayMetrics, WebhookOutcome } from '../telemetry/metrics';
import { notePaymentRef } from '../telemetry/request-context';

/** Stripe's events are a few KB; a megabyte leaves room and still bounds what a stranger can send. */
const WEBHOOK_BODY_LIMIT = '1mb';

/**
 * How each result of applying a provider event is answered: `handling` in the 200 body is the result
 * itself; `metric` is the operator's view of the delivery's fate (the webhook metric's outcome label);
 * `meaning` is what the OpenAPI document says of it.
 */
export const WEBHOOK_ANSWERS: Record<ProviderEventHandling, { metric: WebhookOutcome; meaning: string }> = {
  applied: { metric: 'applied', meaning: 'the event changed the payment' },
  already: { metric: 'duplicate', meaning: 'the payment was already there (the return got there first)' },
  duplicate: { metric: 'duplicate', meaning: 'the event was seen before' },
  recorded_not_applied: { metric: 'ignored', meaning: 'recorded in the history without changing the status' },
  unknown_payment: { metric: 'ignored', meaning: 'no payment has this session: acknowledged and logged' },
  unhandled_type: { metric: 'ignored', meaning: 'an event type the gateway does not act on: acknowledged' },
};

export function stripeWebhookRouter(webhooks: ProviderWebhooks, applyProviderEvent: ApplyProviderEvent, metrics: GatewayMetrics): Router {
  const router = Router();
  router.post('/webhooks/stripe', express.raw({ type: () => true, limit: WEBHOOK_BODY_LIMIT }), async (req, res) => {
    const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const signature = req.headers['stripe-signature'];
    let event;
    try {
      event = webhooks.parseWebhookEvent(rawBody, typeof signature === 'string' ? signature : undefined);
    } catch (error) {
      metrics.webhookHandled('unverified', 'rejected');
      throw error;
    }
    try {
      const { handling, ref } = await applyProviderEvent.execute(event, PaymentEventSource.WEBHOOK);
      notePaymentRef(res, ref ?? undefined);
      metrics.webhookHandled(event.type, WEBHOOK_ANSWERS[handling].metric);
      res.json({ received: true, handling });
    } catch (error) {
      metrics.webhookHandled(event.type, 'failed');
      throw error;
    }
  });
  return router;
}
