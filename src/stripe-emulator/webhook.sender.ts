import { createHmac } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { EventRecord, EventStore } from './event.store';
import type { FaultState } from './faults';

export interface WebhookRetry {
  /** Delay before the first retry; each further retry waits twice as long. */
  initialDelayMs: number;
  /** Attempts in all, the first included. */
  maxAttempts: number;
}

export interface WebhookSenderDeps {
  secret: string;
  retry: WebhookRetry;
  faults: FaultState;
  events: EventStore;
  log: (line: string) => void;
}

/** Stripe gives up on an endpoint that has not answered within this long, and retries later. */
const ATTEMPT_TIMEOUT_MS = 10_000;
/** With webhookReorder, each event is held back up to this long, so later ones overtake it. */
const REORDER_WINDOW_MS = 1_000;

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.payload">`, what stripe.webhooks.constructEvent checks. */
export function signatureHeader(payload: string, secret: string, timestamp: number): string {
  const signature = createHmac('sha256', secret).update(`${timestamp}.${payload}`, 'utf8').digest('hex');
  return `t=${timestamp},v1=${signature}`;
}

/**
 * Delivers events to every webhook URL: signed POSTs, retried with exponential backoff on non-2xx
 * answers, timeouts and connection errors, as Stripe does. Applies the webhook faults per event.
 */
export class WebhookSender {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<http.ClientRequest>();
  private closed = false;

  constructor(private readonly deps: WebhookSenderDeps) {}

  enqueue(record: EventRecord): void {
    const { event } = record;
    const faults = this.deps.faults.get();
    if (this.deps.faults.roll(faults.webhookDropRate)) {
      this.deps.events.markDropped(event.id);
      this.deps.log(`webhook ${event.type} ${event.id} dropped (webhookDropRate)`);
      return;
    }
    // Stripe sends the event as pretty-printed JSON; the signature covers these exact bytes.
    const payload = JSON.stringify(event, null, 2);
    const copies = this.deps.faults.roll(faults.webhookDuplicateRate) ? 2 : 1;
    for (const url of record.deliveries.keys()) {
      for (let copy = 0; copy < copies; copy++) {
        const hold = faults.webhookReorder ? Math.floor(Math.random() * REORDER_WINDOW_MS) : 0;
        // A duplicate trails its original a little, as Stripe's duplicates arrive separately.
        const delay = faults.webhookDelayMs + hold + copy * 50;
        this.schedule(() => this.attempt(event.id, event.type, url, payload, 1), delay);
      }
    }
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const req of this.inFlight) req.destroy();
    this.inFlight.clear();
  }

  private schedule(fn: () => void, delayMs: number): void {
    if (this.closed) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, delayMs);
    this.timers.add(timer);
  }

  private attempt(eventId: string, type: string, url: string, payload: string, attempt: number): void {
    if (this.closed) return;
    this.post(url, payload).then((status) => {
      if (this.closed) return;
      const ok = status !== null && status >= 200 && status < 300;
      const outcome = status === null ? 'no answer' : `HTTP ${status}`;
      if (ok) {
        this.deps.events.markDelivery(eventId, url, 'succeeded');
        this.deps.log(`webhook ${type} ${eventId} -> ${url}: ${outcome} (attempt ${attempt})`);
        return;
      }
      const { initialDelayMs, maxAttempts } = this.deps.retry;
      if (attempt >= maxAttempts) {
        this.deps.events.markDelivery(eventId, url, 'failed');
        this.deps.log(`webhook ${type} ${eventId} -> ${url}: ${outcome}; giving up after ${attempt} attempts`);
        return;
      }
      const wait = initialDelayMs * 2 ** (attempt - 1);
      this.deps.log(`webhook ${type} ${eventId} -> ${url}: ${outcome}; retry in ${wait} ms`);
      this.schedule(() => this.attempt(eventId, type, url, payload, attempt + 1), wait);
    });
  }

  /** Resolves with the HTTP status, or null when the endpoint could not be reached in time. */
  private post(url: string, payload: string): Promise<number | null> {
    return new Promise((resolve) => {
      let target: URL;
      try {
        target = new URL(url);
      } catch {
        resolve(null);
        return;
      }
      const client = target.protocol === 'https:' ? https : http;
      const body = Buffer.from(payload, 'utf8');
      // The real clock, not the emulator's: receivers compare it with their own (300 s tolerance).
      const timestamp = Math.floor(Date.now() / 1000);
      const req = client.request(
        target,
        {
          method: 'POST',
          // No keep-alive: a delivery must not hold the receiver's sockets (or the test run) open.
          agent: false,
          timeout: ATTEMPT_TIMEOUT_MS,
          headers: {
            'Content-Type': 'application/json; charset=utf-8',
            'Content-Length': body.length,
            'User-Agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
            'Stripe-Signature': signatureHeader(payload, this.deps.secret, timestamp),
            Connection: 'close',
          },
        },
        (res) => {
          // Redirects are not followed: Stripe counts a 3xx as a failed delivery.
          res.resume();
          res.on('end', () => done(res.statusCode ?? null));
          res.on('error', () => done(res.statusCode ?? null));
        },
      );
      const done = (status: number | null): void => {
        this.inFlight.delete(req);
        resolve(status);
      };
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', () => done(null));
      this.inFlight.add(req);
      req.end(body);
    });
  }
}
