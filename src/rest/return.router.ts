/**
 * The customer's browser coming back from checkout. No API key here: the ref (unguessable) and, for
 * the return, the session id that must match the payment's, are what the browser carries.
 */
import { Router, type RequestHandler } from 'express';
import { notePaymentRef } from '../telemetry/request-context';
import type { CustomerCancel } from '../services/payments/use-cases/customer-cancel';
import type { CustomerReturn } from '../services/payments/use-cases/customer-return';

export function returnRouter(flows: { customerReturn: CustomerReturn; customerCancel: CustomerCancel }, rateLimit: RequestHandler): Router {
  const router = Router();
  router.get('/payment/return', rateLimit, async (req, res) => {
    notePaymentRef(res, typeof req.query.ref === 'string' ? req.query.ref : undefined);
    const { redirectTo } = await flows.customerReturn.execute(req.query.ref, req.query.session_id);
    res.redirect(303, redirectTo);
  });
  router.get('/payment/cancel', rateLimit, async (req, res) => {
    notePaymentRef(res, typeof req.query.ref === 'string' ? req.query.ref : undefined);
    const { redirectTo } = await flows.customerCancel.execute(req.query.ref);
    res.redirect(303, redirectTo);
  });
  return router;
}
