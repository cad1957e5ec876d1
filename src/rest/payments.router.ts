/** REST v1 door for payments (API.md "REST shim"): HTTP in, service call, the same Payment JSON out. */
import express, { Router } from 'express';
import type { PaymentService } from '../services/payments/payment.service';
import type { MerchantService } from '../services/merchants/merchant.service';
import { readablePayment } from '../services/merchants/access-policy';
import { notePaymentRef } from '../telemetry/request-context';
import { authOf, requireMerchant } from './authenticate';

/** The fields a publishable key may read: the access policy's list, under the name the OpenAPI document imports. */
export { PUBLISHABLE_PAYMENT_FIELDS as PUBLISHABLE_FIELDS } from '../services/merchants/access-policy';

export function paymentsRouter(payments: PaymentService, merchants: MerchantService): Router {
  const router = Router();
  const json = express.json({ limit: '256kb', strict: false, type: () => true });

  router.post('/payment', requireMerchant(merchants, 'createPayment'), json, async (req, res) => {
    const payment = await payments.createPayment(authOf(res).merchantId, req.body, req.headers['idempotency-key']);
    notePaymentRef(res, payment.ref);
    res.status(201).json(payment);
  });

  router.get('/payment', requireMerchant(merchants, 'readPayment'), async (req, res) => {
    const auth = authOf(res);
    const payment = await payments.getPayment(auth.merchantId, req.query.ref);
    notePaymentRef(res, payment.ref);
    res.json(readablePayment(auth.scope, payment));
  });

  router.post('/payment/expire', requireMerchant(merchants, 'expirePayment'), async (req, res) => {
    const payment = await payments.expirePayment(authOf(res).merchantId, req.query.ref);
    notePaymentRef(res, payment.ref);
    res.json(payment);
  });

  return router;
}
