/**
 * A customer's checkout, end to end, in a real browser: headless Chromium (Debian's package, driven
 * by playwright-core) goes from the emulator's hosted page through the gateway's return and cancel
 * routes to a stand-in for the merchant's shop. `npm test` (scripts/test.sh) installs Chromium.
 *
 * Screenshots of the hosted page and the shop's pages go to a fresh temp folder that is removed at
 * the end; set E2E_SCREENSHOT_DIR to keep them somewhere to look at.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startHarness, paymentInput, type Harness } from '../support/gateway-harness';
import { launchChromium } from './browser-kit';

/** Bounds for one browser step; the whole file normally takes a few seconds. */
const STEP_MS = 10_000;
jest.setTimeout(25_000);

/** The merchant's shop: a success and a cancel page, each recording the query string it received. */
interface Shop {
  url: string;
  visits: { path: string; query: URLSearchParams }[];
  close(): Promise<void>;
}

async function startShop(): Promise<Shop> {
  const visits: Shop['visits'] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://shop.invalid');
    const page = (title: string, text: string) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>` +
        `<body style="font-family: sans-serif; margin: 2rem"><h1>${title}</h1><p>${text}</p></body></html>`);
    };
    if (url.pathname === '/success') {
      visits.push({ path: url.pathname, query: url.searchParams });
      return page('Thank you', 'Thank you for your order! We are packing it now.');
    }
    if (url.pathname === '/cancel') {
      visits.push({ path: url.pathname, query: url.searchParams });
      return page('Your cart', 'Checkout was cancelled. Your cart is still here.');
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    visits,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** Each main-frame navigation response, redirects included: where the browser really went. */
interface Hop {
  method: string;
  url: string;
  status: number;
}

function recordNavigation(page: Page): Hop[] {
  const hops: Hop[] = [];
  page.on('response', (response) => {
    const request = response.request();
    if (request.isNavigationRequest() && request.frame() === page.mainFrame()) {
      hops.push({ method: request.method(), url: response.url(), status: response.status() });
    }
  });
  return hops;
}

const withoutQuery = (href: string) => {
  const url = new URL(href);
  return `${url.origin}${url.pathname}`;
};

let h: Harness;
let shop: Shop;
let browser: Browser;
let context: BrowserContext | undefined;
let shots: string;
const keepShots = Boolean(process.env.E2E_SCREENSHOT_DIR);

beforeAll(async () => {
  shots = keepShots ? process.env.E2E_SCREENSHOT_DIR! : mkdtempSync(join(tmpdir(), 'checkout-e2e-'));
  mkdirSync(shots, { recursive: true });
  shop = await startShop();
  h = await startHarness();
  // Playwright gives every launch a fresh, empty profile (user data dir) of its own, and each test
  // below a fresh context.
  browser = await launchChromium();
}, 40_000);

afterAll(async () => {
  await context?.close().catch(() => undefined);
  await browser?.close().catch(() => undefined);
  await shop?.close();
  await h?.close();
  if (shots && !keepShots) rmSync(shots, { recursive: true, force: true });
});

async function newPage(): Promise<Page> {
  await context?.close();
  context = await browser.newContext();
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_MS);
  page.setDefaultNavigationTimeout(STEP_MS);
  return page;
}

async function createPayment(query: string) {
  const input = paymentInput({
    successUrl: `${shop.url}/success?${query}`,
    cancelUrl: `${shop.url}/cancel?${query}`,
  });
  const created = await h.rest('POST', '/api/v1/payment', { body: input });
  expect(created.status).toBe(201);
  expect(created.body).toMatchObject({ status: 'PENDING', amount: 5700, currency: 'USD' });
  expect(created.body.checkoutUrl.startsWith(h.emulatorUrl)).toBe(true);
  return { input, payment: created.body as { ref: string; checkoutUrl: string; providerSessionId: string } };
}

async function readPayment(ref: string) {
  const read = await h.rest('GET', `/api/v1/payment?ref=${encodeURIComponent(ref)}`);
  expect(read.status).toBe(200);
  return read.body as { status: string; version: number; events: { from: string | null; to: string; source: string; applied: boolean }[] };
}

/** Waits until the emulator's webhook for this session was answered 2xx by the gateway. */
async function waitForWebhookDelivered(sessionId: string, type: string): Promise<void> {
  const deadline = Date.now() + STEP_MS;
  let last = 'no such event yet';
  while (Date.now() < deadline) {
    const events = await h.stripe.events.list({ type, limit: 100 });
    const event = events.data.find((e) => (e.data.object as { id?: string }).id === sessionId);
    if (event && event.pending_webhooks === 0) return;
    if (event) last = `${event.id} still has ${event.pending_webhooks} pending webhook(s)`;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the ${type} webhook for ${sessionId} was not delivered to the gateway in ${STEP_MS} ms: ${last}`);
}

describe('checkout in a browser', () => {
  it('pays on the hosted page and lands on the shop’s success page with ref and status', async () => {
    const { payment } = await createPayment('order=42');
    const page = await newPage();
    const hops = recordNavigation(page);

    const hosted = await page.goto(payment.checkoutUrl);
    expect(hosted?.status()).toBe(200);
    const summary = page.getByRole('table', { name: 'Order summary' });
    const summaryText = (await summary.textContent())!;
    expect(summaryText).toContain('T-shirt');
    expect(summaryText).toContain('Socks');
    // 2 × $25.00 + $7.00, in the currency's own format.
    const total = (await summary.locator('tfoot').textContent())!;
    expect(total).toMatch(/Total\s*\$57\.00/);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Pay $57.00');
    await page.screenshot({ path: join(shots, 'hosted-page.png'), fullPage: true });

    hops.length = 0;
    await page.getByRole('button', { name: 'Pay', exact: true }).click();
    await page.waitForURL((url) => !url.href.startsWith(h.emulatorUrl));
    await page.waitForLoadState('load');

    // emulator form POST → 303 → gateway return → 303 → the shop's success page.
    expect(hops.map((hop) => [hop.method, withoutQuery(hop.url), hop.status])).toEqual([
      ['POST', withoutQuery(payment.checkoutUrl), 303],
      ['GET', `${h.gateway.url}/api/v1/payment/return`, 303],
      ['GET', `${shop.url}/success`, 200],
    ]);
    const back = new URL(hops[1].url);
    expect(back.searchParams.get('ref')).toBe(payment.ref);
    expect(back.searchParams.get('session_id')).toBe(payment.providerSessionId);
    expect(payment.providerSessionId).toMatch(/^cs_/);

    const landed = new URL(page.url());
    expect(`${landed.origin}${landed.pathname}`).toBe(`${shop.url}/success`);
    expect(landed.searchParams.get('ref')).toBe(payment.ref);
    expect(landed.searchParams.get('status')).toBe('SUCCEEDED');
    expect(landed.searchParams.get('order')).toBe('42'); // the merchant's own parameters survive
    await expect(page.locator('body').textContent()).resolves.toContain('Thank you');
    await page.screenshot({ path: join(shots, 'shop-success.png'), fullPage: true });

    const visits = shop.visits.filter((v) => v.query.get('ref') === payment.ref);
    expect(visits.map((v) => [v.path, v.query.get('status')])).toEqual([['/success', 'SUCCEEDED']]);

    // The return and the webhook race; once both have arrived, exactly one change was recorded.
    await waitForWebhookDelivered(payment.providerSessionId, 'checkout.session.completed');
    const read = await readPayment(payment.ref);
    expect(read.status).toBe('SUCCEEDED');
    const toSucceeded = read.events.filter((e) => e.to === 'SUCCEEDED');
    expect(toSucceeded).toHaveLength(1);
    expect(toSucceeded[0]).toMatchObject({ from: 'PENDING', to: 'SUCCEEDED', applied: true });
    expect(['RETURN', 'WEBHOOK']).toContain(toSucceeded[0].source);
    expect(read.events.filter((e) => e.applied).map((e) => [e.from, e.to])).toEqual([
      [null, 'PROCESSING'],
      ['PROCESSING', 'PENDING'],
      ['PENDING', 'SUCCEEDED'],
    ]);
  });

  it('a declined card leaves the payment PENDING; the back link lands on the shop’s cancel page with ref', async () => {
    const { payment } = await createPayment('order=43');
    const page = await newPage();
    const hops = recordNavigation(page);

    await page.goto(payment.checkoutUrl);
    await page.getByRole('button', { name: 'Decline', exact: true }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/declined/i);
    // Still the hosted page, still payable.
    expect(page.url().startsWith(h.emulatorUrl)).toBe(true);
    await expect(page.getByRole('button', { name: 'Pay', exact: true }).isVisible()).resolves.toBe(true);
    await page.screenshot({ path: join(shots, 'hosted-page-declined.png'), fullPage: true });

    const afterDecline = await readPayment(payment.ref);
    expect(afterDecline.status).toBe('PENDING');
    expect(afterDecline.events.map((e) => e.to)).toEqual(['PROCESSING', 'PENDING']);
    const session = await h.stripe.checkout.sessions.retrieve(payment.providerSessionId);
    expect(session.status).toBe('open');

    // The customer gives up: the hosted page's back link is the gateway's cancel route.
    const backLink = page.getByRole('link', { name: /back to the merchant/i });
    const cancelRoute = `${h.gateway.url}/api/v1/payment/cancel?ref=${payment.ref}`;
    expect(await backLink.getAttribute('href')).toBe(cancelRoute);
    hops.length = 0;
    await backLink.click();
    await page.waitForURL((url) => !url.href.startsWith(h.emulatorUrl));
    await page.waitForLoadState('load');

    expect(hops.map((hop) => [hop.method, withoutQuery(hop.url), hop.status])).toEqual([
      ['GET', `${h.gateway.url}/api/v1/payment/cancel`, 303],
      ['GET', `${shop.url}/cancel`, 200],
    ]);
    const landed = new URL(page.url());
    expect(`${landed.origin}${landed.pathname}`).toBe(`${shop.url}/cancel`);
    expect(landed.searchParams.get('ref')).toBe(payment.ref);
    expect(landed.searchParams.get('order')).toBe('43');
    await expect(page.locator('body').textContent()).resolves.toContain('cancelled');
    await page.screenshot({ path: join(shots, 'shop-cancel.png'), fullPage: true });
    expect(shop.visits.filter((v) => v.query.get('ref') === payment.ref).map((v) => v.path)).toEqual(['/cancel']);

    // Opening the cancel route directly (the merchant's own "back to checkout" links) does the same.
    const again = await page.goto(cancelRoute);
    expect(again?.status()).toBe(200);
    expect(withoutQuery(page.url())).toBe(`${shop.url}/cancel`);
    expect(new URL(page.url()).searchParams.get('ref')).toBe(payment.ref);
  });
});
