/** REST v1 door for payments (API.md "REST shim"): HTTP in, service call, the same Payment JSON out. */
import express, { Router } from 'express';
import type { PaymentService } from '../services/payments/payment.service';
import type { MerchantService } from '../services/merchants/merchant.service';
import type { PaymentView } from '../services/payments/payment-view';
import { authOf, requireMerchant } from './authenticate';

/** The fields a publishable key may read (API.md "Authentication"); GraphQL marks all others @Authorized(SECRET). */
export const PUBLISHABLE_FIELDS = ['id', 'ref', 'status', 'amount', 'currency', 'checkoutUrl', 'expiresAt'] as const;

export function paymentsRouter(payments: PaymentService, merchants: MerchantService): Router {
  const router = Router();
  const json = express.json({ limit: '256kb', strict: false, type: () => true });

  router.post('/payment', requireMerchant(merchants, 'SECRET'), json, async (req, res) => {
    const payment = await payments.createPayment(authOf(res.locals).merchantId, req.body, req.headers['idempotency-key']);
    res.locals.paymentRef = payment.ref;
    res.status(201).json(payment);
  });

  router.get('/payment', requireMerchant(merchants, 'ANY'), async (req, res) => {
    const auth = authOf(res.locals);
    const payment = await payments.getPayment(auth.merchantId, req.query.ref);
    res.locals.paymentRef = payment.ref;
    res.json(auth.scope === 'SECRET' ? payment : publishableView(payment));
  });

  router.post('/payment/expire', requireMerchant(merchants, 'SECRET'), async (req, res) => {
    const payment = await payments.expirePayment(authOf(res.locals).merchantId, req.query.ref);
    res.locals.paymentRef = payment.ref;
    res.json(payment);
  });

  return router;
}

function publishableView(payment: PaymentView): Partial<PaymentView> {
  return Object.fromEntries(PUBLISHABLE_FIELDS.map((field) => [field, payment[field]]));
}
