/**
 * Every Stripe failure mapped once to the gateway's two provider errors:
 * - ProviderError: Stripe refused the request and would refuse it again (4xx): the payment fails.
 * - ProviderUnavailableError: Stripe could not be reached, timed out, or failed transiently (5xx,
 *   429, lock timeouts): the payment stays where it was and the reconciler finishes it later.
 * Messages are safe to show a merchant: Stripe's own text only for invalid requests (it describes
 * the merchant's input); credentials problems get a generic text.
 */
import Stripe from 'stripe';
import { ProviderError, ProviderUnavailableError } from '../../domain/errors';

export function mapStripeError(error: unknown): Error {
  if (!(error instanceof Stripe.errors.StripeError)) {
    return error instanceof Error ? error : new Error(String(error));
  }
  if (
    error instanceof Stripe.errors.StripeConnectionError ||
    error instanceof Stripe.errors.StripeAPIError ||
    error instanceof Stripe.errors.StripeRateLimitError ||
    (error.statusCode !== undefined && error.statusCode >= 500) ||
    error.code === 'lock_timeout'
  ) {
    return new ProviderUnavailableError('The payment provider is unavailable; try again later');
  }
  if (error instanceof Stripe.errors.StripeAuthenticationError || error instanceof Stripe.errors.StripePermissionError) {
    return new ProviderError("The payment provider refused the gateway's credentials");
  }
  if (error instanceof Stripe.errors.StripeIdempotencyError) {
    return new ProviderError('The payment provider refused a repeated request with different parameters');
  }
  return new ProviderError(`The payment provider refused the request: ${error.message}`);
}
