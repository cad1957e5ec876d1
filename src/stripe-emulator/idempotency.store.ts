import type { EmulatorClock } from './clock';

/** What is replayed for a key: the first answer's status and exact body. */
export interface StoredResponse {
  status: number;
  body: string;
}

interface Entry {
  endpoint: string;
  params: string;
  createdMs: number;
  response: StoredResponse | null; // null while the first request is still running
}

export type BeginOutcome =
  | { kind: 'new' }
  | { kind: 'replay'; response: StoredResponse }
  | { kind: 'in_flight' }
  | { kind: 'other_params' }
  | { kind: 'other_endpoint'; endpoint: string };

const TTL_MS = 24 * 60 * 60 * 1000;

/**
 * Stripe's idempotency layer: keys are scoped to the API key, kept at least 24 hours, and bound to
 * the endpoint and parameters of their first use. A key whose first request is still running is
 * refused (409) rather than waited for, as Stripe does; the SDK retries 409s by itself.
 */
export class IdempotencyStore {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly clock: EmulatorClock) {}

  begin(scope: string, key: string, endpoint: string, params: string): BeginOutcome {
    this.prune();
    const id = entryId(scope, key);
    const entry = this.entries.get(id);
    if (!entry) {
      this.entries.set(id, { endpoint, params, createdMs: this.clock.nowMs(), response: null });
      return { kind: 'new' };
    }
    if (entry.response === null) return { kind: 'in_flight' };
    if (entry.endpoint !== endpoint) return { kind: 'other_endpoint', endpoint: entry.endpoint };
    if (entry.params !== params) return { kind: 'other_params' };
    return { kind: 'replay', response: entry.response };
  }

  finish(scope: string, key: string, response: StoredResponse): void {
    const entry = this.entries.get(entryId(scope, key));
    if (entry) entry.response = response;
  }

  /** Forgets a key whose request never started executing, so it may be retried as new. */
  abandon(scope: string, key: string): void {
    const id = entryId(scope, key);
    if (this.entries.get(id)?.response === null) this.entries.delete(id);
  }

  private prune(): void {
    const oldest = this.clock.nowMs() - TTL_MS;
    for (const [id, entry] of this.entries) {
      if (entry.createdMs < oldest && entry.response !== null) this.entries.delete(id);
    }
  }
}

function entryId(scope: string, key: string): string {
  return `${scope}\u0000${key}`;
}
