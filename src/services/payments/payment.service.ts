/**
 * The Core-Processing Service: creates, reads, lists and expires payments. It decides; the doors
 * (GraphQL resolvers, REST routers) only translate. Provider calls happen outside any database
 * transaction, and every status change goes through PaymentTransitions.
 */
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { inTransaction, selectEntities, type Orm } from '../../orm';
import { Payment } from '../../entities/payment.entity';
import { PaymentEvent } from '../../entities/payment-event.entity';
import {
  InvalidPaymentStateError,
  OrderConflictError,
  PaymentNotFoundError,
  ProviderError,
  ProviderUnavailableError,
} from '../../domain/errors';
import {
  isTerminal,
  ORDER_HOLDING_STATUSES,
  PaymentEventSource,
  PaymentStatus,
} from '../../domain/payment-status';
import type { CheckoutSession, PaymentProvider } from '../../domain/payment-provider';
import {
  validateCreatePaymentInput,
  validatePageArgs,
  validatePaymentRef,
  type ValidCreatePaymentInput,
} from '../validation';
import type { ProviderSyncService } from './provider-sync.service';
import type { IdempotencyService } from './idempotency.service';
import { insertPayment, insertPaymentEvent } from './payment-writes';
import { loadPaymentView, toPaymentView, type PaymentView } from './payment-view';
import type { PaymentCursors } from './payment-cursor';
import { setPaymentRefOnActiveSpan } from '../../telemetry/spans';

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

export class PaymentService {
  constructor(
    private readonly orm: Orm,
    private readonly provider: PaymentProvider,
    private readonly sync: ProviderSyncService,
    private readonly idempotency: IdempotencyService,
    private readonly cursors: PaymentCursors,
  ) {}

  /**
   * createPayment, door to database: validate → (Idempotency-Key: claim it, or wait for and replay
   * its first answer) → save PROCESSING, committed, so nothing is lost if we die → create the checkout
   * session outside any transaction, with an idempotency key derived from the payment → PENDING.
   * A refusal fails the payment; an outage leaves it PROCESSING for a retry or the reconciler.
   */
  async createPayment(merchantId: string, rawInput: unknown, rawIdempotencyKey?: unknown): Promise<PaymentView> {
    const input = validateCreatePaymentInput(rawInput);
    return this.idempotency.run(merchantId, rawIdempotencyKey, rawInput, {
      create: async (ref) => {
        setPaymentRefOnActiveSpan(ref);
        const payment = await this.saveProcessingPayment(merchantId, input, ref);
        return this.sync.openCheckoutSession(payment, PaymentEventSource.API);
      },
      resume: (ref) => {
        setPaymentRefOnActiveSpan(ref);
        return this.resumePayment(merchantId, ref);
      },
    });
  }

  /**
   * Picks up a payment whose creation was cut short (the first request died, or Stripe was away):
   * a PROCESSING payment gets its session now (the same idempotency key finds one made before);
   * any other is answered as it stands. Null when no such payment was ever saved.
   */
  private async resumePayment(merchantId: string, ref: string): Promise<PaymentView | null> {
    const payment = await this.selectOwned(merchantId, ref);
    if (!payment) return null;
    if (payment.status !== PaymentStatus.PROCESSING) return this.view(payment);
    return this.sync.openCheckoutSession(payment, PaymentEventSource.API);
  }

  async getPayment(merchantId: string, rawRef: unknown): Promise<PaymentView> {
    return this.view(await this.findOwned(merchantId, rawRef));
  }

  /**
   * Like getPayment, but null where the payment is absent or another merchant's (GraphQL's `payment`).
   * `history: false` leaves `events` empty, for a caller that will not show them.
   */
  async findPayment(merchantId: string, rawRef: unknown, { history = true } = {}): Promise<PaymentView | null> {
    const { payment } = await this.lookUpOwned(merchantId, rawRef);
    if (!payment) return null;
    return history ? this.view(payment) : toPaymentView(payment, []);
  }

  /**
   * One Relay page of the merchant's payments, newest first: `after` a cursor means older payments,
   * `before` one means newer. Each page is one indexed read of size + 1 rows (the extra row tells
   * whether more lie ahead); whether anything lies behind the cursor the caller came from costs one
   * more `limit 1` look, and only when a cursor was given.
   */
  async listPayments(merchantId: string, filter: PaymentFilter): Promise<PaymentPage> {
    const { direction, size, after, before } = validatePageArgs(filter);
    const afterId = after === null ? null : this.cursors.decode(merchantId, after, 'after');
    const beforeId = before === null ? null : this.cursors.decode(merchantId, before, 'before');
    const matching = {
      merchantId,
      ...(filter.status ? { status: filter.status } : {}),
      // An empty orderId filters too (it matches nothing) rather than being dropped into "all payments".
      ...(filter.orderId !== null && filter.orderId !== undefined ? { orderId: filter.orderId } : {}),
    };
    const idRange = { ...(afterId !== null ? { $lt: afterId } : {}), ...(beforeId !== null ? { $gt: beforeId } : {}) };
    const forward = direction === 'forward';
    const em = this.orm.em.fork();
    const rows = await em.find(
      Payment,
      { ...matching, ...(afterId !== null || beforeId !== null ? { id: idRange } : {}) },
      { orderBy: { id: forward ? 'desc' : 'asc' }, limit: size + 1 },
    );
    const moreAhead = rows.length > size;
    const page = rows.slice(0, size);
    if (!forward) page.reverse();
    /** Anything from the cursor the caller came from onwards (that payment itself included)? */
    const anyFrom = async (id: number | null, side: '$gte' | '$lte') =>
      id !== null && (await em.findOne(Payment, { ...matching, id: { [side]: id } }, { fields: ['id'] })) !== null;
    const hasNextPage = forward ? moreAhead : await anyFrom(beforeId, '$lte');
    const hasPreviousPage = forward ? await anyFrom(afterId, '$gte') : moreAhead;

    const events = page.length
      ? await em.find(PaymentEvent, { paymentId: { $in: page.map((p) => p.id) } }, { orderBy: { id: 'asc' } })
      : [];
    const edges = page.map((payment) => ({
      cursor: this.cursors.encode(merchantId, payment.id),
      node: toPaymentView(payment, events.filter((event) => event.paymentId === payment.id)),
    }));
    return {
      edges,
      pageInfo: { hasNextPage, hasPreviousPage, startCursor: edges.at(0)?.cursor ?? null, endCursor: edges.at(-1)?.cursor ?? null },
    };
  }

  /**
   * Expires a PENDING payment's session at the provider, whose answer decides: a session that was
   * completed meanwhile cannot be expired, and the payment then shows what really happened.
   * Expiring an EXPIRED payment returns it unchanged.
   */
  async expirePayment(merchantId: string, rawRef: unknown): Promise<PaymentView> {
    const payment = await this.findOwned(merchantId, rawRef);
    if (payment.status === PaymentStatus.EXPIRED) return this.view(payment);
    if (isTerminal(payment.status)) throw new InvalidPaymentStateError(payment.ref, payment.status, 'expired');
    if (payment.status === PaymentStatus.PROCESSING || !payment.providerSessionId) {
      throw new InvalidPaymentStateError(payment.ref, payment.status, 'expired until its checkout session exists');
    }

    let session: CheckoutSession;
    try {
      session = await this.provider.expireCheckoutSession(payment.providerSessionId, `${payment.ref}:expire-session`);
    } catch (error) {
      if (!(error instanceof ProviderError)) throw error instanceof ProviderUnavailableError ? error.withRef(payment.ref) : error;
      // Refused: typically the session is no longer open (paid or expired meanwhile). Ask what it is.
      session = await this.provider.retrieveCheckoutSession(payment.providerSessionId);
    }
    const synced = await this.sync.applySessionState(payment, session, PaymentEventSource.API);
    if (synced.status !== PaymentStatus.EXPIRED) {
      throw new InvalidPaymentStateError(synced.ref, synced.status, 'expired');
    }
    return this.view(synced);
  }

  private async saveProcessingPayment(merchantId: string, input: ValidCreatePaymentInput, ref: string): Promise<Payment> {
    const now = new Date();
    // Stripe keeps expires_at in whole seconds; ours is the very same instant.
    const expiresAt = new Date(Math.floor((now.getTime() + input.expiresInMinutes * 60_000) / 1000) * 1000);
    const row = {
      ref,
      merchantId,
      orderId: input.orderId,
      status: PaymentStatus.PROCESSING,
      amount: input.amount,
      currency: input.currency,
      lineItems: input.lineItems,
      successUrl: input.successUrl,
      cancelUrl: input.cancelUrl,
      customerEmail: input.customerEmail,
      metadata: input.metadata,
      expiresAt,
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
    try {
      // The payment and its first history line commit together; the unique order hold may refuse both.
      return await inTransaction(this.orm, async (trx) => {
        const id = await insertPayment(this.orm, trx, row);
        await insertPaymentEvent(this.orm, trx, {
          paymentId: id,
          at: now,
          source: PaymentEventSource.API,
          fromStatus: null,
          toStatus: PaymentStatus.PROCESSING,
          applied: true,
        });
        return Object.assign(new Payment(), row, { id });
      });
    } catch (error) {
      if (!(error instanceof UniqueConstraintViolationException)) throw error;
      const holder = await this.orm.em.fork().findOne(Payment, {
        merchantId,
        orderId: input.orderId,
        status: { $in: [...ORDER_HOLDING_STATUSES] },
      });
      throw new OrderConflictError(input.orderId, holder?.ref);
    }
  }

  private async findOwned(merchantId: string, rawRef: unknown): Promise<Payment> {
    const { ref, payment } = await this.lookUpOwned(merchantId, rawRef);
    if (!payment) throw new PaymentNotFoundError(ref);
    return payment;
  }

  /** The caller's payment by ref: another merchant's payment does not exist for this caller. */
  private async lookUpOwned(merchantId: string, rawRef: unknown): Promise<{ ref: string; payment: Payment | null }> {
    const ref = validatePaymentRef(rawRef);
    setPaymentRefOnActiveSpan(ref);
    return { ref, payment: await this.selectOwned(merchantId, ref) };
  }

  private async selectOwned(merchantId: string, ref: string): Promise<Payment | null> {
    const [payment] = await selectEntities(this.orm, Payment, 'select * from `payment` where `ref` = ? and `merchant_id` = ?', [ref, merchantId]);
    return payment ?? null;
  }

  private view(payment: Payment): Promise<PaymentView> {
    return loadPaymentView(this.orm, payment);
  }
}
