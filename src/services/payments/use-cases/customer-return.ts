/**
 * The customer's return from checkout: read the session at the provider and apply what it says.
 * When the provider cannot be reached the customer is still sent on, with the status we know.
 * The result is where to send the browser: the merchant's successUrl with `ref` and `status` added.
 */
import { ProviderUnavailableError, ValidationError } from '../../../domain/errors';
import { isTerminal, PaymentEventSource } from '../../../domain/payment-status';
import type { PaymentProvider } from '../../../domain/payment-provider';
import type { Logger } from '../../../logger';
import type { PaymentRepository } from '../payment.repository';
import { findByRefOrFail } from '../payment-lookup';
import type { ApplySessionState } from './apply-session-state';
import { withQuery } from './redirect-url';

export interface CustomerReturnDeps {
  repository: PaymentRepository;
  provider: PaymentProvider;
  applySessionState: ApplySessionState;
  logger: Logger;
}

export interface CustomerReturnResult {
  redirectTo: string;
}

export class CustomerReturn {
  constructor(private readonly deps: CustomerReturnDeps) {}

  async execute(rawRef: unknown, rawSessionId: unknown): Promise<CustomerReturnResult> {
    let payment = await findByRefOrFail(this.deps.repository, rawRef);
    if (typeof rawSessionId !== 'string' || rawSessionId !== payment.providerSessionId) {
      throw ValidationError.single('session_id', "is not this payment's checkout session");
    }
    // A final status never changes: the provider has nothing to add, and a reloading browser (or
    // someone replaying the link) must not turn into one provider read per hit.
    if (!isTerminal(payment.status)) {
      try {
        const session = await this.deps.provider.retrieveCheckoutSession(rawSessionId);
        payment = await this.deps.applySessionState.applyTo(payment, session, PaymentEventSource.RETURN);
      } catch (error) {
        if (!(error instanceof ProviderUnavailableError)) throw error;
        this.deps.logger.warn({ ref: payment.ref }, 'provider unavailable on return; redirecting with the known status');
      }
    }
    return { redirectTo: withQuery(payment.successUrl, { ref: payment.ref, status: payment.status }) };
  }
}
