/**
 * A merchant's demo shop at `/` (sandbox mode; the caller decides whether to mount it).
 *
 * It is built the way a real merchant's shop would be: it knows the gateway only by URL and keys and
 * talks to it over the public REST API, never through gateway internals. Its backend route
 * (`POST /demo/checkout`) creates the payment with the SECRET key, server side, and redirects the
 * browser to the checkout page; the thanks page (`/demo/thanks`) gets only the PUBLISHABLE key and
 * follows the payment live over graphql-ws from the browser.
 */
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import express, { Router, type Response } from 'express';
import { projectRoot } from './web-assets';
import { CATALOGUE, renderMessagePage, renderShopPage, renderThanksPage } from './demo-shop.view';

export interface DemoShopOptions {
  /** Where the shop's server reaches the gateway's REST API, e.g. 'http://127.0.0.1:4000'. */
  gatewayUrl: string;
  /** Where browsers reach this shop (its `/`): the base of the successUrl and cancelUrl it sends. */
  shopUrl: string;
  /** The demo merchant's secret key: used only in server-to-server calls, never rendered. */
  secretKey: string;
  /** The demo merchant's publishable key: put into the thanks page for its live status. */
  publishableKey: string;
  /** Path of GraphQL (graphql-ws) on the shop's own origin, as browsers see it; default '/graphql'. */
  graphqlPath?: string;
  /** How the shop's server calls the gateway; default the global fetch. */
  fetch?: typeof fetch;
}

/** Tight, and stated per page: these pages load nothing but this server's own files and socket. */
const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

const REF = /^pay_[A-Za-z0-9_-]{8,64}$/;
const NONCE = /^[A-Za-z0-9_-]{8,80}$/;
const STATUS = /^[A-Z_]{1,20}$/;

const oneQueryValue = (value: unknown, pattern: RegExp): string | null =>
  typeof value === 'string' && pattern.test(value) ? value : null;

function sendPage(res: Response, status: number, html: string): void {
  res.status(status).set({ 'Content-Security-Policy': PAGE_CSP, 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
  res.type('html').send(html);
}

export function createDemoShopRouter(options: DemoShopOptions): Router {
  const gatewayUrl = options.gatewayUrl.replace(/\/+$/, '');
  const shopUrl = options.shopUrl.replace(/\/+$/, '');
  const graphqlPath = options.graphqlPath ?? '/graphql';
  const fetchImpl = options.fetch ?? fetch;
  const router = Router();

  // The browser files: ours from src/web/browser, and graphql-ws's own prebuilt browser (UMD) build,
  // which the gateway already depends on for its server side: no bundler needed, no CDN.
  const browserDir = join(projectRoot(), 'src', 'web', 'browser');
  const assets: Record<string, string> = {
    'shop.css': join(browserDir, 'demo-shop.css'),
    'thanks.js': join(browserDir, 'demo-thanks.js'),
    'graphql-ws.min.js': join(dirname(require.resolve('graphql-ws/package.json')), 'umd', 'graphql-ws.min.js'),
  };
  router.get('/demo/assets/:name', (req, res, next) => {
    const file = Object.hasOwn(assets, req.params.name) ? assets[req.params.name] : undefined;
    if (!file) return next();
    res.set('X-Content-Type-Options', 'nosniff');
    res.sendFile(file, { maxAge: 0 });
  });

  router.get('/', (req, res) => {
    // A fresh nonce per page view: one Buy click (or a double click, or a reload of the POST) is one
    // order and one Idempotency-Key, so the gateway makes exactly one payment for it.
    const nonce = randomBytes(12).toString('base64url');
    sendPage(res, 200, renderShopPage({ nonce, cancelledRef: req.query.cancelled ? oneQueryValue(req.query.ref, REF) ?? 'unknown' : null }));
  });

  router.post('/demo/checkout', express.urlencoded({ extended: false, limit: '2kb' }), async (req, res) => {
    try {
      const product = CATALOGUE.find((p) => p.id === req.body?.product);
      const nonce = oneQueryValue(req.body?.nonce, NONCE);
      if (!product || !nonce) return sendPage(res, 400, renderMessagePage('Not in our shop', 'That product is not for sale here.'));
      // Prices come from the shop's own catalogue, never from the browser.
      const response = await fetchImpl(`${gatewayUrl}/api/v1/payment`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${options.secretKey}`,
          'content-type': 'application/json',
          'idempotency-key': `demo-shop-${nonce}`,
        },
        body: JSON.stringify({
          orderId: `demo-${nonce}`,
          currency: product.currency,
          lineItems: [{ name: product.name, unitAmount: product.unitAmount, quantity: 1 }],
          // The gateway appends ?ref=…&status=… (and ?ref=… to the cancel URL).
          successUrl: `${shopUrl}/demo/thanks`,
          cancelUrl: `${shopUrl}/?cancelled=1`,
          metadata: { source: 'demo-shop', product: product.id },
        }),
        signal: AbortSignal.timeout(20_000),
      });
      const body = (await response.json().catch(() => null)) as
        | { checkoutUrl?: string | null; ref?: string; error?: { code?: string; message?: string; requestId?: string } }
        | null;
      if (response.ok && body?.checkoutUrl) return res.redirect(303, body.checkoutUrl);
      if (response.ok) {
        return sendPage(res, 503, renderMessagePage('Almost there', 'The payment is still being set up with the payment provider. Please try again in a minute.', `Payment ${body?.ref ?? ''}`));
      }
      // The gateway's error is about this payment, never about keys: safe to show as is.
      const error = body?.error;
      sendPage(res, 502, renderMessagePage('Checkout is unavailable', `The payment gateway answered ${response.status} ${error?.code ?? ''}: ${error?.message ?? 'no details'}`, error?.requestId ? `Request id ${error.requestId}` : undefined));
    } catch {
      // Unreachable or timed out; the error itself may name internal addresses, so it is not shown.
      sendPage(res, 502, renderMessagePage('Checkout is unavailable', 'The payment gateway could not be reached. Please try again.'));
    }
  });

  router.get('/demo/thanks', (req, res) => {
    sendPage(res, 200, renderThanksPage({
      ref: oneQueryValue(req.query.ref, REF),
      returnedStatus: oneQueryValue(req.query.status, STATUS),
      publishableKey: options.publishableKey,
      graphqlPath,
    }));
  });

  return router;
}
