/**
 * The public shape of a payment, the same on GraphQL, REST and subscriptions (API.md's `Payment`).
 * Entities stay storage; this is the one place that maps them to what callers see.
 */
import type { Payment, StoredLineItem } from '../../entities/payment.entity';
import type { PaymentEvent } from '../../entities/payment-event.entity';
import type { PaymentRepository } from './payment.repository';
import type { PaymentEventSource, PaymentStatus } from '../../domain/payment-status';

export interface PaymentEventView {
  at: Date;
  source: PaymentEventSource;
  from: PaymentStatus | null;
  to: PaymentStatus;
  applied: boolean;
  providerEventId: string | null;
  providerEventType: string | null;
  note: string | null;
}

export interface PaymentView {
  /** The ref, under the name client caches key objects by. */
  id: string;
  ref: string;
  orderId: string;
  status: PaymentStatus;
  amount: number;
  currency: string;
  lineItems: StoredLineItem[];
  checkoutUrl: string | null;
  providerSessionId: string | null;
  customerEmail: string | null;
  successUrl: string;
  cancelUrl: string;
  metadata: Record<string, string>;
  expiresAt: Date;
  createdAt: Date;
  updatedAt: Date;
  version: number;
  events: PaymentEventView[];
}

export function toPaymentView(payment: Payment, events: PaymentEvent[]): PaymentView {
  return {
    id: payment.ref,
    ref: payment.ref,
    orderId: payment.orderId,
    status: payment.status,
    amount: payment.amount,
    currency: payment.currency,
    lineItems: payment.lineItems.map(({ name, unitAmount, quantity }) => ({ name, unitAmount, quantity })),
    checkoutUrl: payment.checkoutUrl,
    providerSessionId: payment.providerSessionId,
    customerEmail: payment.customerEmail,
    successUrl: payment.successUrl,
    cancelUrl: payment.cancelUrl,
    metadata: { ...payment.metadata },
    expiresAt: payment.expiresAt,
    createdAt: payment.createdAt,
    updatedAt: payment.updatedAt,
    version: payment.version,
    events: events
      .slice()
      .sort((a, b) => a.id - b.id)
      .map((event) => ({
        at: event.at,
        source: event.source,
        from: event.fromStatus,
        to: event.toStatus,
        applied: event.applied,
        providerEventId: event.providerEventId,
        providerEventType: event.providerEventType,
        note: event.note,
      })),
  };
}

/** The payment as callers see it, its history read from the database. */
export async function loadPaymentView(repository: PaymentRepository, payment: Payment): Promise<PaymentView> {
  return toPaymentView(payment, await repository.eventsOf(payment.id));
}
