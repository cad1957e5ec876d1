import type Stripe from 'stripe';
import type { EmulatorClock } from './clock';
import { buildLineItems, buildSession } from './checkout-session.builder';
import type { EventRequest, EventStore, SessionEventType, EventRecord } from './event.store';
import { FormParams, readString } from './form-params';
import type { ExpandSources } from './expand';
import { newSessionId } from './ids';
import { PageRequest, paginate, readCreatedFilter } from './pagination';
import type { PaymentIntentStore } from './payment-intent.store';
import type { SessionCreateInput } from './session-create.validator';
import { StripeApiError, invalidParam, resourceMissing } from './stripe-error';

export type PaymentBehavior = 'paid' | 'async_succeeded' | 'async_failed';

/** Where a change came from: Stripe puts the API request (if any) on the events it causes. */
export interface ChangeContext {
  request: EventRequest | null;
}

interface SessionRecord {
  session: Stripe.Checkout.Session;
  lineItems: Stripe.LineItem[];
  /** The Stripe-Version the integration created it with; its events are rendered in that version. */
  apiVersion: string;
  paymentIntentMetadata: Record<string, string>;
  paymentIntentDescription: string | null;
}

export interface CheckoutServiceDeps {
  clock: EmulatorClock;
  events: EventStore;
  /** Where a paid session's PaymentIntent is kept. */
  paymentIntents: PaymentIntentStore;
  /** Base of the hosted page links; read at creation because it is known only once listening. */
  publicUrl: () => string;
  webhookUrls: () => string[];
  /** Hands a new event to the webhook sender. */
  onEvent: (record: EventRecord) => void;
  /** How long an asynchronous payment method takes to settle. */
  asyncPaymentDelayMs: number;
  log: (line: string) => void;
}

/**
 * The Checkout Sessions and every change to them. All state changes go through here so that the
 * API, the test helper, the hosted page and the expiry timer move a session the same way and
 * emit the same events.
 */
export class CheckoutService {
  private readonly sessions = new Map<string, SessionRecord>();
  private readonly order: string[] = [];
  /** The one-off Products of every session's `price_data` lines, by id. */
  private readonly products = new Map<string, Stripe.Product>();
  private readonly settlements = new Set<NodeJS.Timeout>();

  constructor(private readonly deps: CheckoutServiceDeps) {}

  create(input: SessionCreateInput, apiVersion: string): Stripe.Checkout.Session {
    const id = newSessionId();
    const created = this.deps.clock.nowSeconds();
    const session = buildSession(input, { id, created, url: `${this.deps.publicUrl()}/c/pay/${id}` });
    const { lineItems, products } = buildLineItems(input, created);
    for (const product of products) this.products.set(product.id, product);
    this.sessions.set(id, {
      session,
      lineItems,
      apiVersion,
      paymentIntentMetadata: input.paymentIntentMetadata,
      paymentIntentDescription: input.paymentIntentDescription,
    });
    this.order.push(id);
    this.deps.log(`checkout session ${id} created (${session.amount_total} ${session.currency})`);
    return session;
  }

  retrieve(id: string): Stripe.Checkout.Session {
    return this.find(id).session;
  }

  /** What `expand[]` reads: a session's line items, PaymentIntents, the lines' Products. */
  readonly expandSources: ExpandSources = {
    lineItemsOf: (sessionId) => {
      const record = this.find(sessionId);
      const url = `/v1/checkout/sessions/${sessionId}/line_items`;
      return { object: 'list', data: record.lineItems, has_more: false, url };
    },
    paymentIntent: (id) => this.deps.paymentIntents.find(id),
    product: (id) => this.products.get(id) ?? null,
  };

  list(query: FormParams, page: PageRequest): Stripe.ApiList<Stripe.Checkout.Session> {
    this.expireDue();
    const status = readString(query.status, 'status');
    if (status && !['open', 'complete', 'expired'].includes(status)) {
      throw invalidParam('status', `Invalid status: must be one of complete, expired, or open`);
    }
    const paymentIntent = readString(query.payment_intent, 'payment_intent');
    const createdOk = readCreatedFilter(query.created);
    const newestFirst = [...this.order]
      .reverse()
      .map((id) => this.sessions.get(id)!.session)
      .filter((s) => !status || s.status === status)
      .filter((s) => !paymentIntent || s.payment_intent === paymentIntent)
      .filter((s) => createdOk(s.created));
    return paginate(newestFirst, page, '/v1/checkout/sessions', 'checkout.session');
  }

  lineItems(id: string, page: PageRequest): Stripe.ApiList<Stripe.LineItem> {
    const record = this.find(id);
    // Line items keep the order they were given in, as Stripe lists them.
    return paginate(record.lineItems, page, `/v1/checkout/sessions/${id}/line_items`, 'line item');
  }

  /** The session and all its line items, for the hosted page. */
  pageModel(id: string): { session: Stripe.Checkout.Session; lineItems: Stripe.LineItem[] } {
    const record = this.find(id);
    return { session: record.session, lineItems: record.lineItems };
  }

  expire(id: string, ctx: ChangeContext): Stripe.Checkout.Session {
    const record = this.find(id);
    if (record.session.status !== 'open') {
      throw new StripeApiError(
        400,
        'invalid_request_error',
        `Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of \`${record.session.status}\`.`,
      );
    }
    this.markExpired(record, ctx);
    return record.session;
  }

  /** What the customer's payment does; the hosted page and the test helper both end here. */
  complete(id: string, behavior: PaymentBehavior, ctx: ChangeContext): Stripe.Checkout.Session {
    const record = this.find(id);
    const { session } = record;
    if (session.status !== 'open') {
      throw new StripeApiError(
        400,
        'invalid_request_error',
        `This Checkout Session is no longer open (status: ${session.status}); it cannot be paid.`,
      );
    }
    session.status = 'complete';
    session.url = null;
    // Stripe creates the PaymentIntent when the customer pays; a bank debit's is processing until it settles.
    session.payment_intent = this.deps.paymentIntents.create({
      amount: session.amount_total ?? 0,
      currency: session.currency ?? '',
      created: this.deps.clock.nowSeconds(),
      metadata: record.paymentIntentMetadata,
      description: record.paymentIntentDescription,
      paymentMethodTypes: session.payment_method_types,
      status: behavior === 'paid' ? 'succeeded' : 'processing',
    }).id;
    session.customer_details = {
      address: null,
      business_name: null,
      email: session.customer_email ?? 'customer@example.com',
      individual_name: null,
      name: null,
      phone: null,
      tax_exempt: 'none',
      tax_ids: [],
    };
    // An asynchronous method (a bank debit) completes the session before the money arrives.
    session.payment_status = behavior === 'paid' ? 'paid' : 'unpaid';
    this.deps.log(`checkout session ${id} completed (${behavior})`);
    this.emit('checkout.session.completed', record, ctx);
    if (behavior !== 'paid') this.scheduleSettlement(record, behavior === 'async_succeeded');
    return session;
  }

  /** Expires every open session whose expires_at has passed (Stripe does this on its own). */
  expireDue(): void {
    const now = this.deps.clock.nowSeconds();
    for (const id of this.order) {
      const record = this.sessions.get(id)!;
      if (record.session.status === 'open' && record.session.expires_at <= now) {
        this.markExpired(record, { request: null });
      }
    }
  }

  close(): void {
    for (const timer of this.settlements) clearTimeout(timer);
    this.settlements.clear();
  }

  /** Looks a session up, first applying an expiry that is due, so no reader sees a stale `open`. */
  private find(id: string): SessionRecord {
    const record = this.sessions.get(id);
    if (!record) throw resourceMissing('checkout.session', id);
    const { session } = record;
    if (session.status === 'open' && session.expires_at <= this.deps.clock.nowSeconds()) {
      this.markExpired(record, { request: null });
    }
    return record;
  }

  private markExpired(record: SessionRecord, ctx: ChangeContext): void {
    record.session.status = 'expired';
    record.session.url = null;
    this.deps.log(`checkout session ${record.session.id} expired`);
    this.emit('checkout.session.expired', record, ctx);
  }

  private scheduleSettlement(record: SessionRecord, succeeds: boolean): void {
    const timer = setTimeout(() => {
      this.settlements.delete(timer);
      if (succeeds) record.session.payment_status = 'paid';
      this.deps.paymentIntents.settle(String(record.session.payment_intent), succeeds);
      this.deps.log(`checkout session ${record.session.id} async payment ${succeeds ? 'succeeded' : 'failed'}`);
      this.emit(
        succeeds ? 'checkout.session.async_payment_succeeded' : 'checkout.session.async_payment_failed',
        record,
        { request: null },
      );
    }, this.deps.asyncPaymentDelayMs);
    this.settlements.add(timer);
  }

  private emit(type: SessionEventType, record: SessionRecord, ctx: ChangeContext): void {
    const event = this.deps.events.record(type, record.session, {
      created: this.deps.clock.nowSeconds(),
      apiVersion: record.apiVersion,
      request: ctx.request,
      webhookUrls: this.deps.webhookUrls(),
    });
    this.deps.onEvent(event);
  }
}
