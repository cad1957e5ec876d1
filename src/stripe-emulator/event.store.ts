import type Stripe from 'stripe';
import { newEventId } from './ids';
import { FormParams, readString } from './form-params';
import { PageRequest, paginate, readCreatedFilter } from './pagination';
import { invalidParam, resourceMissing } from './stripe-error';

export type SessionEvent =
  | Stripe.CheckoutSessionCompletedEvent
  | Stripe.CheckoutSessionAsyncPaymentSucceededEvent
  | Stripe.CheckoutSessionAsyncPaymentFailedEvent
  | Stripe.CheckoutSessionExpiredEvent;

export type SessionEventType = SessionEvent['type'];

type DeliveryState = 'pending' | 'succeeded' | 'failed';

export interface EventRecord {
  event: SessionEvent;
  /** Webhook URLs configured when the event happened, as Stripe binds an event to its endpoints then. */
  deliveries: Map<string, DeliveryState>;
  /** The drop fault chose never to deliver it. */
  dropped: boolean;
}

export interface EventRequest {
  id: string | null;
  idempotency_key: string | null;
}

/**
 * Every event the emulator has emitted, newest last, with per-endpoint delivery state so that
 * `GET /v1/events?delivery_success=…` and `pending_webhooks` answer as Stripe's do.
 */
export class EventStore {
  private readonly records: EventRecord[] = [];
  private readonly byId = new Map<string, EventRecord>();

  record(
    type: SessionEventType,
    session: Stripe.Checkout.Session,
    opts: { created: number; apiVersion: string; request: EventRequest | null; webhookUrls: string[] },
  ): EventRecord {
    const event = {
      id: newEventId(),
      object: 'event',
      api_version: opts.apiVersion,
      created: opts.created,
      // A snapshot: later changes to the session must not rewrite what this event said.
      data: { object: structuredClone(session) },
      livemode: false,
      pending_webhooks: opts.webhookUrls.length,
      request: opts.request ?? { id: null, idempotency_key: null },
      type,
    } as SessionEvent;
    const record: EventRecord = {
      event,
      deliveries: new Map(opts.webhookUrls.map((url) => [url, 'pending'])),
      dropped: false,
    };
    this.records.push(record);
    this.byId.set(event.id, record);
    return record;
  }

  markDelivery(eventId: string, url: string, outcome: 'succeeded' | 'failed'): void {
    const record = this.byId.get(eventId);
    if (!record || !record.deliveries.has(url)) return;
    // A success is final: a late failure of a duplicate delivery must not undo it.
    if (record.deliveries.get(url) === 'succeeded') return;
    record.deliveries.set(url, outcome);
  }

  markDropped(eventId: string): void {
    const record = this.byId.get(eventId);
    if (record) record.dropped = true;
  }

  get(id: string): SessionEvent {
    const record = this.byId.get(id);
    if (!record) throw resourceMissing('event', id);
    return this.view(record);
  }

  list(query: FormParams, page: PageRequest): Stripe.ApiList<SessionEvent> {
    const types = readTypes(query);
    const createdOk = readCreatedFilter(query.created);
    const deliverySuccess = readBoolean(query.delivery_success, 'delivery_success');
    const matching = this.records
      .filter((r) => types === null || types.some((t) => t(r.event.type)))
      .filter((r) => createdOk(r.event.created))
      .filter((r) => deliverySuccess === null || isDelivered(r) === deliverySuccess)
      .reverse()
      .map((r) => this.view(r));
    return paginate(matching, page, '/v1/events', 'event');
  }

  /** The event as Stripe shows it now: pending_webhooks counts endpoints not yet answered 2xx. */
  private view(record: EventRecord): SessionEvent {
    const pending = [...record.deliveries.values()].filter((s) => s !== 'succeeded').length;
    return { ...record.event, pending_webhooks: pending };
  }
}

/** Delivered means every endpoint answered 2xx; an event with no endpoint has nothing outstanding. */
function isDelivered(record: EventRecord): boolean {
  if (record.dropped) return false;
  return [...record.deliveries.values()].every((s) => s === 'succeeded');
}

type TypeMatcher = (type: string) => boolean;

/** `type` may end in `*` (`checkout.session.*`), as at Stripe; `types[]` lists exact types. */
function readTypes(query: FormParams): TypeMatcher[] | null {
  const single = readString(query.type, 'type');
  const many = query.types;
  if (single && many !== undefined) {
    throw invalidParam('types', 'You may only specify one of these parameters: type, types.');
  }
  if (single) return [matcher(single)];
  if (many === undefined) return null;
  const list = Array.isArray(many) ? many : [many];
  return list.map((t, i) => {
    if (typeof t !== 'string') throw invalidParam(`types[${i}]`, 'Invalid string');
    return (type: string) => type === t;
  });
}

function matcher(pattern: string): TypeMatcher {
  if (pattern.endsWith('*')) {
    const prefix = pattern.slice(0, -1);
    return (type) => type.startsWith(prefix);
  }
  return (type) => type === pattern;
}

function readBoolean(value: FormParams[string] | undefined, param: string): boolean | null {
  if (value === undefined || value === '') return null;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw invalidParam(param, `Invalid boolean: ${String(value)}`);
}
