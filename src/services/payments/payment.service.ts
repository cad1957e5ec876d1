/**
 * The payments the doors (GraphQL resolvers, REST routers) ask for: reads and lists here, and the
 * two flows a merchant starts (use-cases/create-payment.ts, use-cases/expire-payment.ts) under the
 * names the doors call. The doors only translate; what is decided is decided in the use cases.
 */
import type { PaymentStatus } from '../../domain/payment-status';
import { validatePageArgs } from '../validation';
import type { PaymentRepository } from './payment.repository';
import { findOwnedOrFail, lookUpOwned } from './payment-lookup';
import { loadPaymentView, toPaymentView, type PaymentView } from './payment-view';
import type { PaymentCursors } from './payment-cursor';
import type { CreatePayment } from './use-cases/create-payment';
import type { ExpirePayment } from './use-cases/expire-payment';

export interface PaymentFilter {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
  status?: PaymentStatus | null;
  orderId?: string | null;
}

export interface PaymentPage {
  edges: { cursor: string; node: PaymentView }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

export interface PaymentServiceDeps {
  repository: PaymentRepository;
  cursors: PaymentCursors;
  createPayment: CreatePayment;
  expirePayment: ExpirePayment;
}

export class PaymentService {
  constructor(private readonly deps: PaymentServiceDeps) {}

  /** use-cases/create-payment.ts */
  createPayment(merchantId: string, rawInput: unknown, rawIdempotencyKey?: unknown): Promise<PaymentView> {
    return this.deps.createPayment.execute(merchantId, rawInput, rawIdempotencyKey);
  }

  /** use-cases/expire-payment.ts */
  expirePayment(merchantId: string, rawRef: unknown): Promise<PaymentView> {
    return this.deps.expirePayment.execute(merchantId, rawRef);
  }

  async getPayment(merchantId: string, rawRef: unknown): Promise<PaymentView> {
    return loadPaymentView(this.deps.repository, await findOwnedOrFail(this.deps.repository, merchantId, rawRef));
  }

  /**
   * Like getPayment, but null where the payment is absent or another merchant's (GraphQL's `payment`).
   * `history: false` leaves `events` empty, for a caller that will not show them.
   */
  async findPayment(merchantId: string, rawRef: unknown, { history = true } = {}): Promise<PaymentView | null> {
    const { payment } = await lookUpOwned(this.deps.repository, merchantId, rawRef);
    if (!payment) return null;
    return history ? loadPaymentView(this.deps.repository, payment) : toPaymentView(payment, []);
  }

  /**
   * One Relay page of the merchant's payments, newest first: `after` a cursor means older payments,
   * `before` one means newer. Each page is one indexed read of size + 1 rows (the extra row tells
   * whether more lie ahead); whether anything lies behind the cursor the caller came from costs one
   * more `limit 1` look, and only when a cursor was given.
   */
  async listPayments(merchantId: string, filter: PaymentFilter): Promise<PaymentPage> {
    const { repository, cursors } = this.deps;
    const { direction, size, after, before } = validatePageArgs(filter);
    const afterId = after === null ? null : cursors.decode(merchantId, after, 'after');
    const beforeId = before === null ? null : cursors.decode(merchantId, before, 'before');
    const matching = {
      merchantId,
      ...(filter.status ? { status: filter.status } : {}),
      // An empty orderId filters too (it matches nothing) rather than being dropped into "all payments".
      ...(filter.orderId !== null && filter.orderId !== undefined ? { orderId: filter.orderId } : {}),
    };
    const forward = direction === 'forward';
    const rows = await repository.page({ ...matching, idBelow: afterId, idAbove: beforeId, newestFirst: forward, limit: size + 1 });
    const moreAhead = rows.length > size;
    const page = rows.slice(0, size);
    if (!forward) page.reverse();
    /** Anything from the cursor the caller came from onwards (that payment itself included)? */
    const anyFrom = async (id: number | null, side: 'older' | 'newer') => id !== null && (await repository.anyAtOrBeyond(matching, id, side));
    const hasNextPage = forward ? moreAhead : await anyFrom(beforeId, 'older');
    const hasPreviousPage = forward ? await anyFrom(afterId, 'newer') : moreAhead;

    const events = await repository.eventsOfMany(page.map((payment) => payment.id));
    const edges = page.map((payment) => ({
      cursor: cursors.encode(merchantId, payment.id),
      node: toPaymentView(payment, events.filter((event) => event.paymentId === payment.id)),
    }));
    return {
      edges,
      pageInfo: { hasNextPage, hasPreviousPage, startCursor: edges.at(0)?.cursor ?? null, endCursor: edges.at(-1)?.cursor ?? null },
    };
  }
}
