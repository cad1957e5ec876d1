/**
 * Shared step: bring a payment to what its own checkout session says, the session read by id (the
 * customer's return, an expire, the reconciler). A session that is not the payment's, or charges
 * another amount, changes nothing.
 */
import type { Payment } from '../../../entities/payment.entity';
import { statusForSessionState, type PaymentEventSource } from '../../../domain/payment-status';
import type { CheckoutSession } from '../../../domain/payment-provider';
import type { Logger } from '../../../logger';
import type { GatewayMetrics } from '../../../telemetry/metrics';
import type { PaymentTransitions } from '../payment-transitions';
import { reportMismatch, sessionMismatch } from './session-trust';

export interface ApplySessionStateDeps {
  transitions: PaymentTransitions;
  metrics: GatewayMetrics;
  logger: Logger;
}

export class ApplySessionState {
  constructor(private readonly deps: ApplySessionStateDeps) {}

  /** The payment as it stands afterwards. */
  async applyTo(payment: Payment, session: CheckoutSession, source: PaymentEventSource): Promise<Payment> {
    const mismatch = sessionMismatch(payment, session);
    if (mismatch) {
      reportMismatch(this.deps, payment, session, mismatch, source, null);
      return payment;
    }
    const target = statusForSessionState(session.state);
    if (target === null || target === payment.status) return payment;
    return (await this.deps.transitions.transition(payment, { to: target, source })).payment;
  }
}
