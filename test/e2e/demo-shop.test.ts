/**
 * The sandbox demo shop in headless Chromium: `/` → Buy → the emulator's hosted checkout → Pay →
 * back on `/demo/thanks?ref=…&status=…`, where the page follows the payment over graphql-ws with the
 * publishable key. A bank debit (which settles a moment later) shows the status change arriving live.
 * Everything the browser received is searched for the secret key, which must never be there.
 *
 * The router sits in front of a real gateway (web-front.ts), with a harness merchant's keys.
 * Screenshots go to docs/screenshots/ when E2E_UPDATE_SCREENSHOTS=1 (the README shows them), else
 * to a temp folder that is removed.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startHarness, type Harness } from '../support/gateway-harness';
import { createDemoShopRouter } from '../../src/web/demo-shop.router';
import { startWebFront, type WebFront } from './web-front';
import { launchChromium, localOnlyPage, type LocalOnlyContext } from './browser-kit';

jest.setTimeout(60_000);

const updateShots = process.env.E2E_UPDATE_SCREENSHOTS === '1';
let shots: string;
let h: Harness;
let front: WebFront;
let browser: Browser;
let tab: LocalOnlyContext | undefined;

beforeAll(async () => {
  shots = updateShots ? resolve(__dirname, '../../docs/screenshots') : mkdtempSync(join(tmpdir(), 'demo-shop-'));
  mkdirSync(shots, { recursive: true });
  // A bank debit settles after 1.5 s: long enough for the thanks page to be open and listening.
  h = await startHarness({ emulator: { asyncPaymentDelayMs: 1_500 } });
  front = await startWebFront(h.gateway.url, (app, frontUrl) =>
    app.use(createDemoShopRouter({
      gatewayUrl: h.gateway.url,
      shopUrl: frontUrl,
      secretKey: h.merchant.secretKey,
      publishableKey: h.merchant.publishableKey,
    })),
  );
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await tab?.context.close().catch(() => undefined);
  await browser?.close().catch(() => undefined);
  await front?.close();
  await h?.close();
  if (shots && !updateShots) rmSync(shots, { recursive: true, force: true });
});

async function newTab(): Promise<LocalOnlyContext> {
  await tab?.context.close();
  tab = await localOnlyPage(browser, { recordBodies: true });
  return tab;
}

/** From the shop's front page to the hosted checkout page, through the shop's own backend. */
async function buyTshirt(page: Page): Promise<void> {
  const shop = await page.goto(`${front.url}/`);
  expect(shop?.status()).toBe(200);
  await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Gateway Goods');
  await page.getByRole('button', { name: 'Buy Gateway T-shirt' }).click();
  await page.waitForURL((url) => url.href.startsWith(h.emulatorUrl));
  await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Pay $25.00');
}

const liveStatus = (page: Page) => page.getByRole('status', { name: 'Payment status' });

async function expectNoSecretReachedTheBrowser(t: LocalOnlyContext): Promise<void> {
  const received = await t.received();
  expect(received.length).toBeGreaterThan(5);
  const leaks = received.filter((r) => r.body.includes(h.merchant.secretKey)).map((r) => r.url);
  expect(leaks).toEqual([]);
  // The publishable key is meant to be there: it is what the thanks page subscribes with.
  expect(received.some((r) => r.body.includes(h.merchant.publishableKey))).toBe(true);
}

describe('demo shop', () => {
  it('buys a T-shirt, pays, and shows the payment SUCCEEDED on the thanks page', async () => {
    const t = await newTab();
    const { page } = t;
    await page.goto(`${front.url}/`);
    await page.screenshot({ path: join(shots, 'demo-shop.png'), fullPage: true });
    await buyTshirt(page);
    await page.screenshot({ path: join(shots, 'checkout-page.png'), fullPage: true });

    await page.getByRole('button', { name: 'Pay', exact: true }).click();
    await page.waitForURL((url) => url.href.startsWith(`${front.url}/demo/thanks`));
    const landed = new URL(page.url());
    const ref = landed.searchParams.get('ref')!;
    expect(ref).toMatch(/^pay_/);
    expect(landed.searchParams.get('status')).toBe('SUCCEEDED');

    await liveStatus(page).filter({ hasText: /^SUCCEEDED$/ }).waitFor();
    await expect(page.locator('#amount').textContent()).resolves.toBe('$25.00');
    await page.locator('#connection.live').waitFor();

    // The gateway holds what the page shows: the shop's own payment, for its own order.
    const read = await h.rest('GET', `/api/v1/payment?ref=${ref}`);
    expect(read.body).toMatchObject({ status: 'SUCCEEDED', amount: 2500, currency: 'USD', metadata: { source: 'demo-shop', product: 'tshirt' } });
    expect(read.body.orderId).toMatch(/^demo-/);

    expect(t.offsite).toEqual([]);
    expect(t.problems).toEqual([]);
    await expectNoSecretReachedTheBrowser(t);
  });

  it('shows a bank debit going from PENDING to SUCCEEDED live, over the subscription', async () => {
    const t = await newTab();
    const { page } = t;
    await buyTshirt(page);
    await page.getByRole('button', { name: 'Bank debit: succeeds later' }).click();
    await page.waitForURL((url) => url.href.startsWith(`${front.url}/demo/thanks`));
    expect(new URL(page.url()).searchParams.get('status')).toBe('PENDING');

    // First what the gateway says on load, then the change pushed to the page.
    await liveStatus(page).filter({ hasText: /^PENDING$/ }).waitFor();
    await liveStatus(page).filter({ hasText: /^SUCCEEDED$/ }).waitFor();
    const heard = (await page.locator('#updates li').allTextContents()).join('\n');
    expect(heard).toMatch(/PENDING \(read from the gateway\)/);
    expect(heard).toMatch(/SUCCEEDED \(live update\)/);
    await page.screenshot({ path: join(shots, 'demo-thanks.png'), fullPage: true });

    expect(t.offsite).toEqual([]);
    expect(t.problems).toEqual([]);
    await expectNoSecretReachedTheBrowser(t);
  });

  it('a double-submitted Buy form makes one payment (the form carries one Idempotency-Key)', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${front.url}/`);
      const form = page.locator('form', { has: page.getByRole('button', { name: 'Buy Idempotent mug' }) });
      const fields = {
        product: (await form.locator('input[name=product]').getAttribute('value'))!,
        nonce: (await form.locator('input[name=nonce]').getAttribute('value'))!,
      };
      const submit = () =>
        fetch(`${front.url}/demo/checkout`, { method: 'POST', redirect: 'manual', body: new URLSearchParams(fields) });
      const [first, second] = await Promise.all([submit(), submit()]);
      expect([first.status, second.status]).toEqual([303, 303]);
      expect(first.headers.get('location')).toBe(second.headers.get('location'));
      expect(first.headers.get('location')!.startsWith(h.emulatorUrl)).toBe(true);
      const orders = await h.graphql('query ($o: String) { payments(orderId: $o) { edges { node { ref } } } }', { o: `demo-${fields.nonce}` });
      expect(orders.data.payments.edges).toHaveLength(1);
    } finally {
      await page.close();
    }
  });

  it('refuses products that are not in the catalogue, and cancels back to the shop', async () => {
    const bad = await fetch(`${front.url}/demo/checkout`, { method: 'POST', body: new URLSearchParams({ product: 'yacht', nonce: 'abcdefgh12' }) });
    expect(bad.status).toBe(400);

    const t = await newTab();
    const { page } = t;
    await buyTshirt(page);
    await page.getByRole('link', { name: /back to the merchant/i }).click();
    await page.waitForURL((url) => url.href.startsWith(`${front.url}/?`));
    await expect(page.getByRole('status').textContent()).resolves.toMatch(/Checkout cancelled for payment pay_/);
    expect(t.problems).toEqual([]);
  });
});
