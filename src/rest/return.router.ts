/**
 * The customer's browser coming back from checkout. No API key here: the ref (unguessable) and, for
 * the return, the session id that must match the payment's, are what the browser carries.
 */
import { Router } from 'express';
import type { ProviderSyncService } from '../services/payments/provider-sync.service';

export function returnRouter(sync: ProviderSyncService): Router {
  const router = Router();
  router.get('/payment/return', async (req, res) => {
    res.locals.paymentRef = typeof req.query.ref === 'string' ? req.query.ref : undefined;
    res.redirect(303, await sync.handleReturn(req.query.ref, req.query.session_id));
  });
  router.get('/payment/cancel', async (req, res) => {
    res.locals.paymentRef = typeof req.query.ref === 'string' ? req.query.ref : undefined;
    res.redirect(303, await sync.cancelRedirect(req.query.ref));
  });
  return router;
}
