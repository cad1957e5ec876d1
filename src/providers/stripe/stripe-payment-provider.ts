/**
 * The Stripe-Provider Service: implements the PaymentProvider port with the real `stripe` SDK. It is
 * the only place that knows Stripe's object shapes and error classes; everything it returns or throws
 * is in the gateway's own words (src/domain).
 */
import Stripe from 'stripe';
import type {
  CheckoutSession,
  CheckoutSessionState,
  CreateCheckoutSessionRequest,
  PaymentProvider,
} from '../../domain/payment-provider';
import { toProviderCurrency } from '../../domain/money';
import { mapStripeError } from './stripe-errors';

/** The only part of the SDK the adapter uses: easy to see, easy to fake in a unit test. */
export type StripeCheckoutSessions = Pick<Stripe.Checkout.SessionResource, 'create' | 'retrieve' | 'expire'>;

export interface StripeClientOptions {
  secretKey: string;
  /** Base URL of a Stripe-compatible API (the emulator); undefined for Stripe itself. */
  apiUrl?: string;
  timeoutMs: number;
  /** Retries of timeouts, 5xx and 429, always with the same idempotency key (the SDK's own mechanism). */
  maxNetworkRetries?: number;
}

/** Key under which the gateway's ref travels in the PaymentIntent's metadata, leaving the session's 50 to the merchant. */
export const GATEWAY_REF_METADATA_KEY = 'gateway_ref';

export function createStripeClient(options: StripeClientOptions): Stripe {
  const target = options.apiUrl ? new URL(options.apiUrl) : undefined;
  return new Stripe(options.secretKey, {
    timeout: options.timeoutMs,
    maxNetworkRetries: options.maxNetworkRetries ?? 2,
    appInfo: { name: 'graphql-payment-gateway' },
    ...(target && {
      host: target.hostname,
      port: Number(target.port || (target.protocol === 'https:' ? 443 : 80)),
      protocol: target.protocol === 'https:' ? 'https' : 'http',
    }),
  });
}

export class StripePaymentProvider implements PaymentProvider {
  constructor(private readonly sessions: StripeCheckoutSessions) {}

  async createCheckoutSession(request: CreateCheckoutSessionRequest): Promise<CheckoutSession> {
    const params: Stripe.Checkout.SessionCreateParams = {
      mode: 'payment',
      line_items: request.lineItems.map((item) => ({
        quantity: item.quantity,
        price_data: {
          currency: toProviderCurrency(request.currency),
          unit_amount: item.unitAmount,
          product_data: { name: item.name },
        },
      })),
      success_url: request.successUrl,
      cancel_url: request.cancelUrl,
      client_reference_id: request.paymentRef,
      expires_at: Math.floor(request.expiresAt.getTime() / 1000),
      metadata: request.metadata,
      payment_intent_data: { metadata: { [GATEWAY_REF_METADATA_KEY]: request.paymentRef } },
      ...(request.customerEmail ? { customer_email: request.customerEmail } : {}),
    };
    const session = await this.call(() => this.sessions.create(params, { idempotencyKey: request.idempotencyKey }));
    return toCheckoutSession(session);
  }

  async retrieveCheckoutSession(sessionId: string): Promise<CheckoutSession> {
    return toCheckoutSession(await this.call(() => this.sessions.retrieve(sessionId)));
  }

  async expireCheckoutSession(sessionId: string, idempotencyKey: string): Promise<CheckoutSession> {
    return toCheckoutSession(await this.call(() => this.sessions.expire(sessionId, {}, { idempotencyKey })));
  }

  private async call<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      throw mapStripeError(error);
    }
  }
}

export function toCheckoutSession(session: Stripe.Checkout.Session): CheckoutSession {
  return {
    id: session.id,
    url: session.url,
    state: sessionState(session),
    paymentRef: session.client_reference_id,
  };
}

/** Stripe's (status, payment_status) pair in the gateway's words: the one mapping, exhaustive. */
export function sessionState(session: Pick<Stripe.Checkout.Session, 'status' | 'payment_status'>): CheckoutSessionState {
  const status = session.status;
  switch (status) {
    case 'open':
      return 'open';
    case 'expired':
      return 'expired';
    case 'complete':
      return session.payment_status === 'unpaid' ? 'awaiting_payment' : 'paid';
    default:
      // Stripe's types leave enums open (`| OtherString`): a status this code does not know is a
      // failure to look at, never a guess.
      throw new Error(`Stripe returned a checkout session status this gateway does not know: ${String(status)}`);
  }
}
