/**
 * The subscriber swarm: one graphql-ws connection per payment, each subscribed to its own
 * `paymentUpdated(ref)` with the merchant's publishable key, as a customer's "waiting for your
 * payment" page would be. It notes when each SUCCEEDED update arrives (wall clock, shared with the
 * bench process on this machine), so the bench can measure completion-to-subscriber delay.
 */
import WebSocket from 'ws';
import { createClient, type Client } from 'graphql-ws';
import { answerRequests } from '../lib/processes';

const clients: Client[] = [];
const arrivedAt = new Map<string, number>();
let errors = 0;
/** The first error seen, to say what went wrong. */
let firstError: string | null = null;
const noteError = (error: unknown) => {
  errors++;
  firstError ??= error instanceof Error ? error.message : JSON.stringify(error);
};

async function open(url: string, key: string, refs: string[], batchSize: number): Promise<{ opened: number; errors: number }> {
  for (let start = 0; start < refs.length; start += batchSize) {
    await Promise.all(refs.slice(start, start + batchSize).map((ref) => subscribe(url, key, ref)));
  }
  return { opened: clients.length, errors };
}

function subscribe(url: string, key: string, ref: string): Promise<void> {
  return new Promise((resolve) => {
    const client = createClient({
      url,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${key}` },
      retryAttempts: 0,
      lazy: false,
      onNonLazyError: (error) => {
        noteError(error);
        resolve();
      },
      on: { connected: () => resolve() },
    });
    clients.push(client);
    client.subscribe<{ paymentUpdated: { ref: string; status: string } }>(
      { query: 'subscription ($ref: ID) { paymentUpdated(ref: $ref) { ref status } }', variables: { ref } },
      {
        next: ({ data, errors: graphqlErrors }) => {
          if (graphqlErrors) noteError(graphqlErrors);
          if (data?.paymentUpdated?.status === 'SUCCEEDED' && !arrivedAt.has(ref)) arrivedAt.set(ref, Date.now());
        },
        error: noteError,
        complete: () => undefined,
      },
    );
  });
}

answerRequests({
  open: ({ url, key, refs, batchSize }) => open(url, key, refs, batchSize ?? 250),
  arrivals: () => ({ arrivedAt: Object.fromEntries(arrivedAt), errors, firstError }),
  close: async () => {
    await Promise.all(clients.map((client) => client.dispose()));
    clients.length = 0;
    return true;
  },
});
process.send!({ type: 'ready' });
