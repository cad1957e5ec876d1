/**
 * The demo shop's HTML: server-rendered, no inline script (the pages' CSP says script-src 'self'),
 * every value escaped. The only key that ever appears here is the publishable one.
 */

export interface Product {
  id: string;
  name: string;
  description: string;
  /** Minor units (cents). */
  unitAmount: number;
  currency: 'usd';
  /** A small inline SVG drawing (trusted, ours). */
  picture: string;
}

export const CATALOGUE: readonly Product[] = [
  {
    id: 'tshirt',
    name: 'Gateway T-shirt',
    description: 'Soft cotton, printed with the only status that matters: SUCCEEDED.',
    unitAmount: 2500,
    currency: 'usd',
    picture: `<svg viewBox="0 0 120 100" aria-hidden="true"><path d="M38 12 L20 20 L6 40 L22 50 L30 42 L30 92 L90 92 L90 42 L98 50 L114 40 L100 20 L82 12 Q60 30 38 12 Z" fill="#635bff"/><text x="60" y="70" font-size="11" text-anchor="middle" fill="#fff" font-family="sans-serif">200 OK</text></svg>`,
  },
  {
    id: 'mug',
    name: 'Idempotent mug',
    description: 'Refill it twice with the same key: still one coffee.',
    unitAmount: 1200,
    currency: 'usd',
    picture: `<svg viewBox="0 0 120 100" aria-hidden="true"><rect x="28" y="22" width="52" height="66" rx="6" fill="#0a7d5a"/><path d="M80 36 h10 a12 12 0 0 1 0 24 h-10" fill="none" stroke="#0a7d5a" stroke-width="7"/><text x="54" y="60" font-size="10" text-anchor="middle" fill="#fff" font-family="sans-serif">ONE CUP</text></svg>`,
  },
];

export const esc = (value: string): string =>
  value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

export const formatUsd = (cents: number): string =>
  new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(cents / 100);

function layout(title: string, main: string, scripts: string[] = []): string {
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${esc(title)} · Gateway Goods (demo)</title>
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="/demo/assets/shop.css">
${scripts.map((src) => `  <script defer src="${esc(src)}"></script>`).join('\n')}
</head>
<body>
  <header class="bar">
    <a class="logo" href="/">◆ Gateway Goods</a>
    <span class="badge">Sandbox demo · no real money moves</span>
  </header>
  <main>
${main}
  </main>
  <footer class="foot">A pretend merchant shop built on this gateway's public API. Source: <code>src/web/</code>.</footer>
</body>
</html>
`;
}

export function renderShopPage(options: { nonce: string; cancelledRef: string | null }): string {
  const cancelled = options.cancelledRef
    ? `<p class="notice" role="status">Checkout cancelled for payment <code>${esc(options.cancelledRef)}</code>. Nothing was charged; your cart is still here.</p>`
    : '';
  const products = CATALOGUE.map(
    (p) => `      <li class="product">
        ${p.picture}
        <h2>${esc(p.name)}</h2>
        <p>${esc(p.description)}</p>
        <p class="price">${esc(formatUsd(p.unitAmount))}</p>
        <form method="post" action="/demo/checkout">
          <input type="hidden" name="product" value="${esc(p.id)}">
          <input type="hidden" name="nonce" value="${esc(options.nonce)}-${esc(p.id)}">
          <button type="submit" aria-label="Buy ${esc(p.name)}">Buy</button>
        </form>
      </li>`,
  ).join('\n');
  return layout(
    'Shop',
    `    <h1>Gateway Goods</h1>
    <p class="lead">A tiny shop to try the whole flow: <strong>Buy</strong> sends you to the hosted checkout page
      (the sandbox's Stripe emulator), and you come back to a page that follows the payment live.</p>
${cancelled}
    <ul class="products">
${products}
    </ul>
    <section class="how">
      <h2>What happens when you click Buy</h2>
      <ol>
        <li>This shop's server calls <code>POST /api/v1/payment</code> with the merchant's <em>secret</em> key,
          which never leaves the server, and redirects you to the <code>checkoutUrl</code> it gets back.</li>
        <li>You pay (or decline, or pick a bank debit) on the hosted checkout page.</li>
        <li>The gateway sends you back to <code>/demo/thanks</code>, which subscribes to
          <code>paymentUpdated(ref)</code> over graphql-ws with the <em>publishable</em> key only.</li>
      </ol>
    </section>`,
  );
}

export function renderThanksPage(options: { ref: string | null; returnedStatus: string | null; publishableKey: string; graphqlPath: string }): string {
  if (!options.ref) {
    return layout('No payment', `    <h1>No payment to show</h1>
    <p>This page is where the checkout sends you back, with <code>?ref=pay_…</code>. <a href="/">Back to the shop</a>.</p>`);
  }
  const returned = options.returnedStatus ?? 'unknown';
  return layout(
    'Thank you',
    `    <h1>Thank you for your order</h1>
    <section class="thanks" id="payment" data-ref="${esc(options.ref)}" data-returned-status="${esc(returned)}"
      data-publishable-key="${esc(options.publishableKey)}" data-graphql-path="${esc(options.graphqlPath)}">
      <p>Payment <code>${esc(options.ref)}</code></p>
      <div class="status-card">
        <p class="label" id="live-status-label">Payment status</p>
        <p id="live-status" class="status status-unknown" role="status" aria-live="polite" aria-labelledby="live-status-label">…</p>
        <p id="status-text">Asking the gateway…</p>
        <p class="amount">Amount: <span id="amount">…</span></p>
        <p class="connection" id="connection">connecting…</p>
      </div>
      <h2>What this page has heard</h2>
      <ol id="updates" class="updates"></ol>
      <p class="note">The checkout sent you here with <code>status=${esc(returned)}</code> in the address, which anyone can edit.
        The status above comes from the gateway itself: this page asks for <code>payment(ref)</code> and subscribes to
        <code>paymentUpdated(ref)</code> over graphql-ws, authenticated with the shop's publishable key.</p>
    </section>
    <p><a href="/">← Back to the shop</a></p>`,
    ['/demo/assets/graphql-ws.min.js', '/demo/assets/thanks.js'],
  );
}

export function renderMessagePage(title: string, message: string, detail?: string): string {
  return layout(
    title,
    `    <h1>${esc(title)}</h1>
    <p class="notice" role="alert">${esc(message)}</p>
${detail ? `    <p class="note">${esc(detail)}</p>\n` : ''}    <p><a href="/">← Back to the shop</a></p>`,
  );
}
