/**
 * Wraps any PaymentProvider to time its calls and count their outcomes (ok, PROVIDER_ERROR,
 * PROVIDER_UNAVAILABLE, error), so the adapter itself stays about Stripe only.
 */
import { GatewayError } from '../domain/errors';
import type { PaymentProvider } from '../domain/payment-provider';
import type { GatewayMetrics } from '../telemetry/metrics';

export class MeteredPaymentProvider implements PaymentProvider {
  private readonly inner: PaymentProvider;
  private readonly metrics: GatewayMetrics;

  /** `inner`: the provider whose calls are measured. */
  constructor(deps: { inner: PaymentProvider; metrics: GatewayMetrics }) {
    this.inner = deps.inner;
    this.metrics = deps.metrics;
  }

  createCheckoutSession: PaymentProvider['createCheckoutSession'] = (request) =>
    this.measure('create_checkout_session', () => this.inner.createCheckoutSession(request));

  retrieveCheckoutSession: PaymentProvider['retrieveCheckoutSession'] = (sessionId) =>
    this.measure('retrieve_checkout_session', () => this.inner.retrieveCheckoutSession(sessionId));

  expireCheckoutSession: PaymentProvider['expireCheckoutSession'] = (sessionId, key) =>
    this.measure('expire_checkout_session', () => this.inner.expireCheckoutSession(sessionId, key));

  listUndeliveredEvents: PaymentProvider['listUndeliveredEvents'] = (since) =>
    this.measure('list_undelivered_events', () => this.inner.listUndeliveredEvents(since));

  private async measure<T>(operation: string, call: () => Promise<T>): Promise<T> {
    const started = process.hrtime.bigint();
    const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
    try {
      const result = await call();
      this.metrics.providerCall(operation, 'ok', seconds());
      return result;
    } catch (error) {
      this.metrics.providerCall(operation, error instanceof GatewayError ? error.code : 'error', seconds());
      throw error;
    }
  }
}
