/**
 * The demo shop's thanks page: shows a payment's status live, from the browser, with the shop's
 * PUBLISHABLE key only (a publishable key may read `payment(ref)`'s status fields and subscribe to
 * that one payment).
 *
 * Transport: graphql-ws's own browser build (served by the shop as /demo/assets/graphql-ws.min.js,
 * global `graphqlWs`), the same client the README shows for Node. It handles the protocol
 * (connection_init → ack, subscribe, next, complete, ping/pong) and reconnects with back-off, which
 * a hand-rolled client would have to redo. Both the one-off read and the subscription go over the
 * one socket: graphql-ws runs queries too, so the page needs no CORS and no second door.
 *
 * Plain script, no build step; it is not type-checked by the server's tsconfig (no DOM types there).
 */
(function () {
  'use strict';
  const section = document.getElementById('payment');
  if (!section || !window.graphqlWs) return;
  const ref = section.dataset.ref;
  const returned = section.dataset.returnedStatus;
  const key = section.dataset.publishableKey;
  const url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + section.dataset.graphqlPath;

  const statusEl = document.getElementById('live-status');
  const textEl = document.getElementById('status-text');
  const amountEl = document.getElementById('amount');
  const connectionEl = document.getElementById('connection');
  const updatesEl = document.getElementById('updates');

  const TERMINAL = ['SUCCEEDED', 'FAILED', 'EXPIRED'];
  const EXPLAIN = {
    PROCESSING: 'The gateway is setting the payment up with the provider.',
    PENDING: 'Waiting for the payment to settle. This page updates by itself.',
    SUCCEEDED: 'Paid. Thank you! We are packing your order.',
    FAILED: 'The payment failed. Nothing was charged.',
    EXPIRED: 'The checkout expired before it was paid. Nothing was charged.',
  };
  let shown = null;

  function money(amount, currency) {
    try {
      const format = new Intl.NumberFormat(undefined, { style: 'currency', currency });
      // Amounts are in the currency's minor unit; the formatter knows how many digits that is.
      const digits = format.resolvedOptions().maximumFractionDigits;
      return format.format(amount / Math.pow(10, digits));
    } catch (e) {
      return amount + ' ' + currency;
    }
  }

  function note(text) {
    const item = document.createElement('li');
    const when = document.createElement('span');
    when.className = 'when';
    when.textContent = new Date().toLocaleTimeString();
    item.append(when, document.createTextNode(text));
    updatesEl.append(item);
  }

  function show(payment, how) {
    // A late answer must not take a finished payment back to an earlier status.
    if (shown && TERMINAL.includes(shown) && !TERMINAL.includes(payment.status)) return;
    if (payment.amount != null && payment.currency) amountEl.textContent = money(payment.amount, payment.currency);
    note(payment.status + ' (' + how + ')');
    if (payment.status === shown) return;
    shown = payment.status;
    statusEl.textContent = payment.status;
    statusEl.className = 'status status-' + payment.status;
    textEl.textContent = EXPLAIN[payment.status] || '';
  }

  function connection(text, live) {
    connectionEl.textContent = text;
    connectionEl.classList.toggle('live', Boolean(live));
  }

  note('returned from checkout with status=' + returned + ' in the address (unverified)');
  const client = window.graphqlWs.createClient({
    url,
    connectionParams: { authorization: 'Bearer ' + key },
    retryAttempts: Infinity,
    shouldRetry: () => true,
    on: {
      connected: () => connection('live: subscribed to paymentUpdated', true),
      closed: () => connection('connection lost, reconnecting…', false),
    },
  });

  const fail = (what) => (error) => {
    const message = Array.isArray(error) ? error.map((e) => e.message).join('; ') : (error && (error.reason || error.message)) || String(error);
    note(what + ' failed: ' + message);
  };

  // Subscribe first, then read: an update between the two is then heard, not lost.
  client.subscribe(
    { query: 'subscription ($ref: ID) { paymentUpdated(ref: $ref) { ref status amount currency } }', variables: { ref } },
    { next: (msg) => msg.data && show(msg.data.paymentUpdated, 'live update'), error: fail('subscription'), complete: () => undefined },
  );
  client.subscribe(
    { query: 'query ($ref: ID!) { payment(ref: $ref) { ref status amount currency expiresAt } }', variables: { ref } },
    {
      next: (msg) => {
        if (msg.errors) return fail('reading the payment')(msg.errors);
        if (!msg.data || !msg.data.payment) return note('the gateway does not know this payment');
        show(msg.data.payment, 'read from the gateway');
      },
      error: fail('reading the payment'),
      complete: () => undefined,
    },
  );
})();
