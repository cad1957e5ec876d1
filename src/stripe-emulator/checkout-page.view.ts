import type Stripe from 'stripe';
import { formatAmount } from './currency';

/** Plain HTML, no JavaScript: the page must work from curl, a test's fetch, and a screen reader. */
export interface CheckoutPageModel {
  session: Stripe.Checkout.Session;
  lineItems: Stripe.LineItem[];
  /** A one-off message after an action, e.g. a declined card. */
  notice?: string;
}

export function renderCheckoutPage({ session, lineItems, notice }: CheckoutPageModel): string {
  const currency = session.currency ?? 'usd';
  const total = formatAmount(session.amount_total ?? 0, currency);
  const rows = lineItems
    .map((li) => {
      const unit = li.price?.unit_amount ?? 0;
      return `<tr><td>${esc(li.description ?? '')}</td><td class="num">${li.quantity ?? 1}</td>` +
        `<td class="num">${esc(formatAmount(unit, currency))}</td><td class="num">${esc(formatAmount(li.amount_total, currency))}</td></tr>`;
    })
    .join('\n');
  const back = session.cancel_url && session.status === 'open'
    ? `<p><a href="${esc(session.cancel_url)}">&larr; Back to the merchant</a></p>`
    : '';
  const body = session.status === 'open' ? payForm(session.id) : `<p role="status" class="state">${esc(stateText(session))}</p>`;
  return layout(
    `Pay ${total}`,
    `${back}
    <h1>Pay ${esc(total)}</h1>
    ${notice ? `<p role="alert" class="notice">${esc(notice)}</p>` : ''}
    <table>
      <caption>Order summary</caption>
      <thead><tr><th scope="col">Item</th><th scope="col" class="num">Quantity</th><th scope="col" class="num">Unit price</th><th scope="col" class="num">Amount</th></tr></thead>
      <tbody>
      ${rows}
      </tbody>
      <tfoot><tr><th scope="row" colspan="3">Total</th><td class="num"><strong>${esc(total)}</strong></td></tr></tfoot>
    </table>
    ${body}`,
  );
}

export function renderMessagePage(title: string, message: string): string {
  return layout(title, `<h1>${esc(title)}</h1><p role="status">${esc(message)}</p>`);
}

function payForm(id: string): string {
  // Relative, so that the form still works when publicUrl puts the emulator behind a path prefix.
  const action = `./${encodeURIComponent(id)}`;
  return `<form method="post" action="${esc(action)}">
      <fieldset>
        <legend>Card (test mode)</legend>
        <button type="submit" name="action" value="pay">Pay</button>
        <button type="submit" name="action" value="decline">Decline</button>
      </fieldset>
      <fieldset>
        <legend>Bank debit: the payment settles later</legend>
        <button type="submit" name="action" value="async_succeeded">Bank debit: succeeds later</button>
        <button type="submit" name="action" value="async_failed">Bank debit: fails later</button>
      </fieldset>
    </form>`;
}

function stateText(session: Stripe.Checkout.Session): string {
  if (session.status === 'expired') return 'This checkout session has expired. Ask the merchant for a new payment link.';
  if (session.payment_status === 'paid') return 'This checkout session is complete: the payment was received.';
  return 'This checkout session is complete: the payment is being processed.';
}

function layout(title: string, main: string): string {
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${esc(title)} - Stripe emulator checkout</title>
  <style>
    body { font-family: system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem; color: #1a1a1a; }
    table { width: 100%; border-collapse: collapse; margin: 1rem 0; }
    caption { text-align: left; font-weight: bold; margin-bottom: .5rem; }
    th, td { padding: .4rem; border-bottom: 1px solid #ccc; text-align: left; }
    .num { text-align: right; }
    fieldset { margin: 1rem 0; border: 1px solid #999; }
    button { font-size: 1rem; padding: .5rem 1rem; margin: .25rem; }
    .notice { background: #fde8e8; border: 1px solid #b91c1c; padding: .5rem; }
    .state { background: #eef; border: 1px solid #446; padding: .5rem; }
    footer { margin-top: 2rem; font-size: .85rem; color: #555; }
  </style>
</head>
<body>
  <main>
    ${main}
  </main>
  <footer>Test mode: this page is served by the project's Stripe emulator. No real money moves.</footer>
</body>
</html>
`;
}

function esc(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}
