/**
 * POST /api/v1/webhooks/stripe. The raw body is kept for the signature (this router has its own raw
 * parser and is mounted before any JSON parser). Answers, as Stripe reads them:
 * 400 bad signature (never retried, nothing touched); 200 handled, duplicate, or not ours;
 * 5xx when something transient failed (the database, say), so Stripe delivers the event again.
 */
import express, { Router } from 'express';
import type { ProviderWebhooks } from '../domain/payment-provider';
import { PaymentEventSource } from '../domain/payment-status';
import type { EventHandling, ProviderSyncService } from '../services/payments/provider-sync.service';
import type { GatewayMetrics, WebhookOutcome } from '../telemetry/metrics';
import { notePaymentRef } from '../telemetry/request-context';

/** Stripe's events are a few KB; a megabyte leaves room and still bounds what a stranger can send. */
const WEBHOOK_BODY_LIMIT = '1mb';

/** The operator's view of a delivery's fate, for the webhook metric. */
const OUTCOME: Record<EventHandling, WebhookOutcome> = {
  applied: 'applied',
  already: 'duplicate',
  duplicate: 'duplicate',
  recorded_not_applied: 'ignored',
  unknown_payment: 'ignored',
  unhandled_type: 'ignored',
};

export function stripeWebhookRouter(webhooks: ProviderWebhooks, sync: ProviderSyncService, metrics: GatewayMetrics): Router {
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
      const { handling, ref } = await sync.applyProviderEvent(event, PaymentEventSource.WEBHOOK);
      notePaymentRef(res, ref ?? undefined);
      metrics.webhookHandled(event.type, OUTCOME[handling]);
      res.json({ received: true, handling });
    } catch (error) {
      metrics.webhookHandled(event.type, 'failed');
      throw error;
    }
  });
  return router;
}
