/**
 * What the gateway's own code adds to traces, through @opentelemetry/api only: without tracing
 * started (src/telemetry/tracing.ts) there is no active span, the tracer is a no-op, and each call
 * costs about a function call.
 */
import { SpanStatusCode, trace } from '@opentelemetry/api';

/** The span attribute that names a payment, for finding a payment's traces by the ref a merchant quotes. */
export const PAYMENT_REF_ATTRIBUTE = 'payment.ref';

/**
 * Puts the payment's ref on the span of the work in progress: the GraphQL resolve span of
 * createPayment, the Express handler span of a REST or webhook request.
 */
export function setPaymentRefOnActiveSpan(ref: string): void {
  trace.getActiveSpan()?.setAttribute(PAYMENT_REF_ATTRIBUTE, ref);
}

/**
 * Runs work that no request starts (a reconciler pass) in a span of its own, so its SQL and Stripe
 * calls form one trace; without it they would have no parent, and parentless client calls are not
 * traced.
 */
export async function inSpan<T>(name: string, work: () => Promise<T>): Promise<T> {
  return trace.getTracer('graphql-payment-gateway').startActiveSpan(name, async (span) => {
    try {
      return await work();
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.message });
      throw error;
    } finally {
      span.end();
    }
  });
}
