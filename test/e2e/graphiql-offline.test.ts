/**
 * GraphiQL at /graphql with the network cut off from everything but this machine: headless Chromium
 * loads the page, its bundle and Monaco's workers from the gateway alone, runs a query with the key
 * typed into the page, then runs `paymentUpdated` over graphql-ws and shows a payment created over
 * REST. Any request to another host is aborted and listed, and the list must stay empty.
 *
 * The router sits in front of a real gateway (web-front.ts), as server.ts mounts it. A screenshot
 * goes to docs/screenshots/graphiql.png when E2E_UPDATE_SCREENSHOTS=1, else to a removed temp folder.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startHarness, paymentInput, type Harness } from '../support/gateway-harness';
import { createGraphiqlRouter } from '../../src/web/graphiql.router';
import { ensureGraphiqlAssets } from '../../src/web/web-assets';
import { untilSubscriptionsActive } from '../support/checkout-kit';
import { startWebFront, type WebFront } from './web-front';
import { launchChromium, localOnlyPage, sleep, STEP_MS, type LocalOnlyContext } from './browser-kit';

jest.setTimeout(60_000);

let h: Harness;
let front: WebFront;
let browser: Browser;
let tab: LocalOnlyContext | undefined;
const updateShots = process.env.E2E_UPDATE_SCREENSHOTS === '1';
let shots: string;

beforeAll(async () => {
  shots = updateShots ? resolve(__dirname, '../../docs/screenshots') : mkdtempSync(join(tmpdir(), 'graphiql-'));
  mkdirSync(shots, { recursive: true });
  // The bundle is normally built by `npm run build`; here it is built (or found) first, so the
  // browser's first request does not wait for esbuild.
  await ensureGraphiqlAssets();
  h = await startHarness();
  front = await startWebFront(h.gateway.url, (app) => app.use(createGraphiqlRouter({ endpointPath: '/graphql' })));
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await tab?.context.close().catch(() => undefined);
  await browser?.close().catch(() => undefined);
  await front?.close();
  await h?.close();
  if (shots && !updateShots) rmSync(shots, { recursive: true, force: true });
});

/** The response pane's text (Monaco renders spaces as no-break spaces). */
const responseText = async (page: Page) => ((await page.locator('.graphiql-response').textContent()) ?? '').replace(/\u00a0/g, ' ');

/** Replaces the operation editor's content, as a person would: select all, then type. */
async function setOperation(page: Page, text: string): Promise<void> {
  await page.locator('.graphiql-query-editor .monaco-editor').first().click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  // insertText types it in one go, so Monaco's bracket auto-closing does not add a second '}'.
  await page.keyboard.insertText(text);
  // GraphiQL parses the editor 100 ms after the last change (and then stores it): a click before that
  // would run the previous document (a subscription sent over HTTP, say). A person is never that quick.
  // (A function, not a string: the page's CSP forbids eval. No DOM types here, hence the cast.)
  await page.waitForFunction((query) => (globalThis as any).localStorage.getItem('graphiql:query') === query, text);
}

const executeButton = (page: Page) => page.getByRole('button', { name: /^(Execute|Stop) query/ });

describe('GraphiQL offline', () => {
  it('serves JSON to GraphQL clients and the page only to browsers', async () => {
    const json = await fetch(`${front.url}/graphql?query=${encodeURIComponent('{ __typename }')}`, {
      // Apollo's CSRF guard wants this on a GET; browsers' simple requests cannot send it.
      headers: { accept: 'application/json', 'apollo-require-preflight': 'true' },
    });
    expect(json.headers.get('content-type')).toMatch(/json/);
    expect(await json.json()).toMatchObject({ data: { __typename: 'Query' } });
    const post = await h.graphql('{ __typename }');
    expect(post.data).toEqual({ __typename: 'Query' });

    const html = await fetch(`${front.url}/graphql`, { headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toMatch(/text\/html/);
    expect(html.headers.get('content-security-policy')).toContain("default-src 'self'");
    const page = await html.text();
    expect(page).not.toMatch(/https?:\/\//); // no CDN link of any kind
    const script = page.match(/src="([^"]+graphiql\.js)"/)![1];
    const asset = await fetch(`${front.url}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toContain('immutable');
  });

  it('runs a query and a live subscription with nothing but localhost reachable', async () => {
    tab = await localOnlyPage(browser, { viewport: { width: 1280, height: 640 } });
    const { page } = tab;
    const opened = await page.goto(`${front.url}/graphql`);
    expect(opened?.status()).toBe(200);
    await expect(executeButton(page).isVisible()).resolves.toBe(true);
    // Monaco has started (its editor is in the page), and the schema came in: the docs list its roots.
    // (GraphiQL's introspection query is 15 levels deep: the query limits must let introspection by.)
    await page.locator('.graphiql-query-editor .monaco-editor').first().waitFor();
    await page.getByRole('button', { name: /documentation explorer/i }).click();
    await page.locator('.graphiql-doc-explorer', { hasText: 'subscription: Subscription' }).waitFor();
    await page.getByRole('button', { name: /documentation explorer/i }).click();

    // The key goes in once; it is used for HTTP and for the WebSocket alike.
    await page.getByLabel('API key').fill(h.merchant.secretKey);

    const created = await h.rest('POST', '/api/v1/payment', { body: paymentInput() });
    expect(created.status).toBe(201);
    await setOperation(page, '{ payments(first: 1) { edges { node { ref status } } } }');
    await executeButton(page).click();
    await page.locator('.graphiql-response', { hasText: created.body.ref }).waitFor();
    expect(await responseText(page)).toContain('"edges"');

    // The subscription: wait until the page's socket has sent `subscribe`, then make news.
    const subscribed = new Promise<void>((resolve) => {
      page.on('websocket', (socket) =>
        socket.on('framesent', (frame) => {
          if (String(frame.payload).includes('"subscribe"')) resolve();
        }),
      );
    });
    await setOperation(page, 'subscription { paymentUpdated { ref status } }');
    await executeButton(page).click();
    const gaveUp = Symbol('timeout');
    if ((await Promise.race([subscribed, sleep(STEP_MS).then(() => gaveUp)])) === gaveUp) {
      throw new Error(`the page sent no graphql-ws subscribe in ${STEP_MS} ms; its response pane: ${await responseText(page)}`);
    }
    await untilSubscriptionsActive(h, 1); // the server registers the subscription after reading the frame
    const live = await h.rest('POST', '/api/v1/payment', { body: paymentInput() });
    expect(live.status).toBe(201);
    await page.locator('.graphiql-response', { hasText: live.body.ref }).waitFor();
    expect(await responseText(page)).toMatch(/"paymentUpdated"/);
    await expect(page.getByRole('button', { name: /^Stop query/ }).isVisible()).resolves.toBe(true);
    await page.screenshot({ path: join(shots, 'graphiql.png') });

    expect(tab.offsite).toEqual([]);
    // Nothing failed to load or was refused by the page's CSP.
    expect(tab.problems).toEqual([]);
  });
});
