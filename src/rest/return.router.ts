/**
 * The customer's browser coming back from checkout. No API key here: the ref (unguessable) and, for
 * the return, the session id that must match the payment's, are what the browser carries.
 */
import { Router, type RequestHandler } from 'express';
import { notePaymentRef } from '../telemetry/request-context';
import type { ProviderSyncService } from '../services/payments/provider-sync.service';

export function returnRouter(sync: ProviderSyncService, rateLimit: RequestHandler): Router {
  const router = Router();
  router.get('/payment/return', rateLimit, async (req, res) => {
    notePaymentRef(res, typeof req.query.ref === 'string' ? req.query.ref : undefined);
    res.redirect(303, await sync.handleReturn(req.query.ref, req.query.session_id));
  });
  router.get('/payment/cancel', rateLimit, async (req, res) => {
    notePaymentRef(res, typeof req.query.ref === 'string' ? req.query.ref : undefined);
    res.redirect(303, await sync.cancelRedirect(req.query.ref));
  });
  return router;
}
