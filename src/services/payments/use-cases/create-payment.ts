/**
 * createPayment, door to database: validate → (an Idempotency-Key: claim it, or answer with its first
 * answer) → save PROCESSING, committed, so nothing is lost if we die → give it its checkout session
 * (open-checkout-session.ts) → PENDING. A refusal fails the payment; an outage leaves it PROCESSING
 * for a retry or the reconciler. Only a key whose record existed before may have a payment already:
 * it is resumed; a fresh claim goes straight to creating.
 *
 * The result is the payment as callers see it; failures are the domain's errors (VALIDATION_ERROR,
 * ORDER_CONFLICT, IDEMPOTENCY_CONFLICT, PROVIDER_ERROR, PROVIDER_UNAVAILABLE), which both doors render.
 */
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { Payment } from '../../../entities/payment.entity';
import { OrderConflictError } from '../../../domain/errors';
import { PaymentEventSource, PaymentStatus } from '../../../domain/payment-status';
import { validateCreatePaymentInput, validateIdempotencyKey, type ValidCreatePaymentInput } from '../../validation';
import { newPaymentRef } from '../../ids';
import { setPaymentRefOnActiveSpan } from '../../../telemetry/spans';
import type { IdempotencyService } from '../idempotency.service';
import type { NewPayment, PaymentRepository } from '../payment.repository';
import { loadPaymentView, type PaymentView } from '../payment-view';
import type { OpenCheckoutSession } from './open-checkout-session';

export interface CreatePaymentDeps {
  repository: PaymentRepository;
  idempotency: IdempotencyService;
  openCheckoutSession: OpenCheckoutSession;
}

export class CreatePayment {
  constructor(private readonly deps: CreatePaymentDeps) {}

  async execute(merchantId: string, rawInput: unknown, rawIdempotencyKey?: unknown): Promise<PaymentView> {
    const input = validateCreatePaymentInput(rawInput);
    const key = validateIdempotencyKey(rawIdempotencyKey);
    if (key === null) return this.create(merchantId, input, newPaymentRef());

    const claim = await this.deps.idempotency.claim(merchantId, key, rawInput);
    if (claim.kind === 'answered') return claim.payment;
    try {
      const payment = (claim.resumed ? await this.resume(merchantId, claim.ref) : null) ?? (await this.create(merchantId, input, claim.ref));
      await this.deps.idempotency.complete(claim, payment);
      return payment;
    } catch (error) {
      await this.deps.idempotency.abandon(claim, error);
      throw error;
    }
  }

  private async create(merchantId: string, input: ValidCreatePaymentInput, ref: string): Promise<PaymentView> {
    setPaymentRefOnActiveSpan(ref);
    const payment = await this.saveProcessing(merchantId, input, ref);
    return this.openSession(payment);
  }

  /**
   * Picks up a payment whose creation was cut short (the first request died, or the provider was
   * away): a PROCESSING payment gets its session now (the same provider idempotency key finds one made
   * before); any other is answered as it stands. Null when no such payment was ever saved.
   */
  private async resume(merchantId: string, ref: string): Promise<PaymentView | null> {
    setPaymentRefOnActiveSpan(ref);
    const payment = await this.deps.repository.findOwned(merchantId, ref);
    if (!payment) return null;
    if (payment.status !== PaymentStatus.PROCESSING) return loadPaymentView(this.deps.repository, payment);
    return this.openSession(payment);
  }

  private async openSession(payment: Payment): Promise<PaymentView> {
    const opened = await this.deps.openCheckoutSession.openFor(payment, PaymentEventSource.API);
    // The view published with the change is the answer too: no second read of the history.
    return opened.view ?? loadPaymentView(this.deps.repository, opened.payment);
  }

  private async saveProcessing(merchantId: string, input: ValidCreatePaymentInput, ref: string): Promise<Payment> {
    const now = new Date();
    // Stripe keeps expires_at in whole seconds; ours is the very same instant.
    const expiresAt = new Date(Math.floor((now.getTime() + input.expiresInMinutes * 60_000) / 1000) * 1000);
    const row: NewPayment = {
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
      const id = await this.deps.repository.insertWithFirstEvent(row, {
        at: now,
        source: PaymentEventSource.API,
        fromStatus: null,
        toStatus: PaymentStatus.PROCESSING,
        applied: true,
      });
      return Object.assign(new Payment(), row, { id });
    } catch (error) {
      if (!(error instanceof UniqueConstraintViolationException)) throw error;
      throw new OrderConflictError(input.orderId, (await this.deps.repository.findOrderHolder(merchantId, input.orderId)) ?? undefined);
    }
  }
}
