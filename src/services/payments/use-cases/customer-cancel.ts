/** The customer's cancel link: nothing changes (the session stays open until it expires); back to the merchant's cancelUrl. */
import type { PaymentRepository } from '../payment.repository';
import { findByRefOrFail } from '../payment-lookup';
import { withQuery } from './redirect-url';

export interface CustomerCancelResult {
  redirectTo: string;
}

export class CustomerCancel {
  constructor(private readonly deps: { repository: PaymentRepository }) {}

  async execute(rawRef: unknown): Promise<CustomerCancelResult> {
    const payment = await findByRefOrFail(this.deps.repository, rawRef);
    return { redirectTo: withQuery(payment.cancelUrl, { ref: payment.ref }) };
  }
}
