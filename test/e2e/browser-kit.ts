/**
 * Headless Chromium for the web-page tests: Debian's package driven by playwright-core (it never
 * downloads a browser), with the flags that keep it from calling home on this closed network, and a
 * context that lets the page reach only this machine and records whatever else it tries.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const STEP_MS = 15_000;

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // The network cut: every non-loopback connection goes to a proxy that is not there (port 9, discard)
  // and fails; Chromium always bypasses proxies for localhost and 127.0.0.0/8.
  '--proxy-server=http://127.0.0.1:9',
];

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: the browser tests need Debian's chromium package. ` +
        '`npm test` installs it (scripts/test.sh, ensure_chromium); or run `apt-get install -y chromium`.',
    );
  }
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 20_000 });
}

export const isLocal = (href: string): boolean => {
  const url = new URL(href);
  if (url.protocol === 'data:' || url.protocol === 'blob:' || url.protocol === 'about:') return true;
  return ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
};

export interface LocalOnlyContext {
  context: BrowserContext;
  page: Page;
  /** Every request (and WebSocket) the page tried outside this machine: aborted, and listed here. */
  offsite: string[];
  /** Uncaught page errors and console errors, for the test's failure message. */
  problems: string[];
  /** Every response's headers and body, and every WebSocket frame received: what reached the browser. */
  received(): Promise<{ url: string; body: string }[]>;
}

export async function localOnlyPage(
  browser: Browser,
  options: { recordBodies?: boolean; viewport?: { width: number; height: number } } = {},
): Promise<LocalOnlyContext> {
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1000, height: 600 } });
  const offsite: string[] = [];
  const problems: string[] = [];
  const bodies: { url: string; body: string }[] = [];
  const reading: Promise<unknown>[] = [];
  // Intercepts the pages' and their workers' requests before any network: non-local ones never leave.
  await context.route('**/*', (route) => {
    const href = route.request().url();
    if (isLocal(href)) return route.continue();
    offsite.push(href);
    return route.abort('blockedbyclient');
  });
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_MS);
  page.setDefaultNavigationTimeout(STEP_MS);
  page.on('websocket', (socket) => {
    if (!isLocal(socket.url())) offsite.push(socket.url());
  });
  page.on('response', (response) => {
    if (response.status() >= 400) {
      problems.push(`${response.status()} ${response.request().method()} ${response.url()}`);
      void response.text().then((t) => problems.push(t.slice(0, 500)), () => undefined);
    }
  });
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  if (options.recordBodies) {
    context.on('response', (response) => {
      bodies.push({ url: response.url(), body: JSON.stringify(response.headers()) });
      // A redirect's body is not available to read; its headers (Location) are kept above.
      reading.push(response.body().then(
        (buffer) => bodies.push({ url: response.url(), body: buffer.toString('utf8') }),
        () => undefined,
      ));
    });
    page.on('websocket', (socket) =>
      socket.on('framereceived', (frame) => bodies.push({ url: socket.url(), body: String(frame.payload) })),
    );
  }
  const received = async () => {
    await Promise.all(reading);
    return bodies;
  };
  return { context, page, offsite, problems, received };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
