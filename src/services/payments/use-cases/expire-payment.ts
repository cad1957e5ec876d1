/**
 * Expire a PENDING payment's checkout session at the provider, whose answer decides: a session that
 * was completed meanwhile cannot be expired, and the payment then shows what really happened.
 * Expiring an EXPIRED payment returns it unchanged.
 *
 * The result is the payment as callers see it; failures are the domain's errors (PAYMENT_NOT_FOUND,
 * INVALID_PAYMENT_STATE, PROVIDER_UNAVAILABLE), which both doors render.
 */
import { InvalidPaymentStateError, ProviderError, ProviderUnavailableError } from '../../../domain/errors';
import { isTerminal, PaymentEventSource, PaymentStatus } from '../../../domain/payment-status';
import type { CheckoutSession, PaymentProvider } from '../../../domain/payment-provider';
import type { PaymentRepository } from '../payment.repository';
import { findOwnedOrFail } from '../payment-lookup';
import { loadPaymentView, type PaymentView } from '../payment-view';
import type { ApplySessionState } from './apply-session-state';

export interface ExpirePaymentDeps {
  repository: PaymentRepository;
  provider: PaymentProvider;
  applySessionState: ApplySessionState;
}

export class ExpirePayment {
  constructor(private readonly deps: ExpirePaymentDeps) {}

  async execute(merchantId: string, rawRef: unknown): Promise<PaymentView> {
    const payment = await findOwnedOrFail(this.deps.repository, merchantId, rawRef);
    if (payment.status === PaymentStatus.EXPIRED) return loadPaymentView(this.deps.repository, payment);
    if (isTerminal(payment.status)) throw new InvalidPaymentStateError(payment.ref, payment.status, 'expired');
    if (payment.status === PaymentStatus.PROCESSING || !payment.providerSessionId) {
      throw new InvalidPaymentStateError(payment.ref, payment.status, 'expired until its checkout session exists');
    }

    let session: CheckoutSession;
    try {
      session = await this.deps.provider.expireCheckoutSession(payment.providerSessionId, `${payment.ref}:expire-session`);
    } catch (error) {
      if (!(error instanceof ProviderError)) throw error instanceof ProviderUnavailableError ? error.withRef(payment.ref) : error;
      // Refused: typically the session is no longer open (paid or expired meanwhile). Ask what it is.
      session = await this.deps.provider.retrieveCheckoutSession(payment.providerSessionId);
    }
    const synced = await this.deps.applySessionState.applyTo(payment, session, PaymentEventSource.API);
    if (synced.status !== PaymentStatus.EXPIRED) {
      throw new InvalidPaymentStateError(synced.ref, synced.status, 'expired');
    }
    return loadPaymentView(this.deps.repository, synced);
  }
}
