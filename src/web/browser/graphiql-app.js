/**
 * The GraphiQL page's browser code, bundled by esbuild (src/web/web-assets.ts) into one script, one
 * stylesheet and Monaco's three workers, all served by the gateway itself: nothing comes from a CDN.
 *
 * Plain JavaScript with React.createElement (no JSX, no TypeScript) so that the server's tsconfig,
 * which has no DOM types, never type-checks browser code; esbuild only bundles it.
 *
 * The "API key" field (kept in localStorage) authenticates both doors: HTTP requests get an
 * `Authorization: Bearer <key>` header, the graphql-ws socket gets `{ authorization: 'Bearer <key>' }`
 * as its connection_init payload, which is where the gateway reads it for subscriptions.
 */
import React, { useCallback, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { createClient } from 'graphql-ws';
import 'graphiql/style.css';
import './graphiql-page.css';

const root = document.getElementById('graphiql');
const endpoint = root.dataset.endpoint;
const assets = root.dataset.assets;
const KEY_STORAGE = 'gateway.graphiql.apiKey';

// Monaco asks for a worker per language; ours are built next to the main bundle (same origin, so
// no blob: or CDN workers, and the page's CSP can say worker-src 'self').
globalThis.MonacoEnvironment = {
  getWorker(_workerId, label) {
    const name = label === 'graphql' ? 'graphql' : label === 'json' ? 'json' : 'editor';
    return new Worker(`${assets}/${name}.worker.js`);
  },
};

const readKey = () => {
  try {
    return localStorage.getItem(KEY_STORAGE) ?? '';
  } catch {
    return ''; // storage can be disabled; the field still works for this page's lifetime
  }
};
let currentKey = readKey();
const bearer = () => (currentKey ? `Bearer ${currentKey}` : undefined);

const wsUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${endpoint}`;
// Lazy: the socket opens with the first subscription and closes after the last one, so the key is
// read afresh (connectionParams is a function) each time a socket opens. A key change also drops
// the open socket, below, so running subscriptions re-authenticate with the new key.
let wsClient = newWsClient();
function newWsClient() {
  return createClient({ url: wsUrl, connectionParams: () => ({ authorization: bearer() }) });
}

const fetcher = createGraphiQLFetcher({
  url: endpoint,
  // Indirection so a replaced client (after a key change) is the one subscriptions use.
  wsClient: { subscribe: (payload, sink) => wsClient.subscribe(payload, sink) },
  // The key is added at call time; an Authorization typed into GraphiQL's headers editor wins.
  fetch: (url, init = {}) => {
    const headers = new Headers(init.headers);
    if (!headers.has('authorization') && bearer()) headers.set('authorization', bearer());
    return fetch(url, { ...init, headers });
  },
});

const DEFAULT_QUERY = `# Paste your secret key (sk_gw_…) into "API key" above, then press ▶ (Ctrl-Enter).
# Live updates: replace this with
#   subscription { paymentUpdated { ref status version } }
# and create or pay a payment in another tab.
query RecentPayments {
  payments(first: 5) {
    edges { node { ref status amount currency checkoutUrl } }
  }
}
`;

function KeyBar() {
  const [key, setKey] = useState(currentKey);
  const onChange = useCallback((event) => {
    const value = event.target.value.trim();
    setKey(event.target.value);
    currentKey = value;
    try {
      localStorage.setItem(KEY_STORAGE, value);
    } catch {
      // not persisted; still used for this page
    }
    wsClient.dispose();
    wsClient = newWsClient();
  }, []);
  return React.createElement(
    'form',
    { className: 'gw-keybar', onSubmit: (e) => e.preventDefault() },
    React.createElement('strong', null, 'Payment gateway'),
    React.createElement('label', { htmlFor: 'gw-api-key' }, 'API key'),
    React.createElement('input', {
      id: 'gw-api-key',
      type: 'password',
      autoComplete: 'off',
      spellCheck: false,
      placeholder: 'sk_gw_… or pk_gw_…',
      value: key,
      onChange,
    }),
    React.createElement(
      'span',
      { className: 'gw-hint' },
      'Sent as a Bearer token over HTTP and in the WebSocket connection_init; stored in this browser only.',
    ),
  );
}

function App() {
  return React.createElement(
    'div',
    { className: 'gw-page' },
    React.createElement(KeyBar),
    React.createElement('div', { className: 'gw-graphiql' }, React.createElement(GraphiQL, { fetcher, defaultQuery: DEFAULT_QUERY })),
  );
}

createRoot(root).render(React.createElement(App));
