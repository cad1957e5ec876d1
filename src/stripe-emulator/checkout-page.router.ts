import express, { Request, Response, Router } from 'express';
import type { CheckoutService, PaymentBehavior } from './checkout.service';
import { renderCheckoutPage, renderMessagePage } from './checkout-page.view';
import { StripeApiError } from './stripe-error';

const BEHAVIORS: Record<string, PaymentBehavior> = {
  pay: 'paid',
  async_succeeded: 'async_succeeded',
  async_failed: 'async_failed',
};

/**
 * The hosted payment page at each session's `url`. The customer's choices go through the same
 * CheckoutService calls as the test helper, so both paths emit the same events.
 */
export function createCheckoutPageRouter(checkout: CheckoutService): Router {
  const router = Router();
  router.use(express.urlencoded({ extended: false, limit: '16kb' }));

  router.get('/:id', (req, res) => {
    const model = pageModel(checkout, String(req.params.id));
    if (!model) return notFound(res);
    sendHtml(res, 200, renderCheckoutPage(model));
  });

  router.post('/:id', (req: Request, res: Response) => {
    const id = String(req.params.id);
    const model = pageModel(checkout, id);
    if (!model) return notFound(res);
    const action = typeof req.body?.action === 'string' ? req.body.action : '';
    if (action === 'decline') {
      // A declined card changes nothing at Stripe: the session stays open for another try.
      return sendHtml(res, 200, renderCheckoutPage({ ...model, notice: 'Your card was declined. Try another payment method.' }));
    }
    const behavior = BEHAVIORS[action];
    if (!behavior) {
      return sendHtml(res, 400, renderCheckoutPage({ ...model, notice: 'Choose a payment method.' }));
    }
    try {
      const session = checkout.complete(id, behavior, { request: null });
      res.redirect(303, successRedirect(session.success_url ?? '/', id));
    } catch (err) {
      if (!(err instanceof StripeApiError)) throw err;
      // The session expired or was paid meanwhile: show its state instead of taking the payment.
      const current = pageModel(checkout, id)!;
      sendHtml(res, 409, renderCheckoutPage(current));
    }
  });

  return router;
}

/** Stripe fills the `{CHECKOUT_SESSION_ID}` template in success_url with the session's id. */
export function successRedirect(successUrl: string, sessionId: string): string {
  return successUrl.replace(/\{CHECKOUT_SESSION_ID\}|%7BCHECKOUT_SESSION_ID%7D/gi, sessionId);
}

function pageModel(checkout: CheckoutService, id: string) {
  try {
    return checkout.pageModel(id);
  } catch (err) {
    if (err instanceof StripeApiError && err.status === 404) return null;
    throw err;
  }
}

function notFound(res: Response): void {
  sendHtml(res, 404, renderMessagePage('Checkout session not found', 'This payment link does not exist.'));
}

function sendHtml(res: Response, status: number, html: string): void {
  res.status(status).set('Cache-Control', 'no-store').type('html').send(html);
}
