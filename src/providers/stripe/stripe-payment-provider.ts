/**
 * The Stripe-Provider Service: implements the PaymentProvider port with the real `stripe` SDK. It is
 * the only place that knows Stripe's object shapes and error classes; everything it returns or throws
 * is in the gateway's own words (src/domain).
 */
import Stripe from 'stripe';
import type {
  CheckoutSession,
  CreateCheckoutSessionRequest,
  PaymentProvider,
  ProviderEvent,
} from '../../domain/payment-provider';
import { toProviderCurrency } from '../../domain/money';
import { mapStripeError } from './stripe-errors';
import { toCheckoutSession, toProviderEvent } from './stripe-mapping';

/** The only parts of the SDK the adapter uses: easy to see, easy to fake in a unit test. */
export interface StripeApi {
  sessions: Pick<Stripe.Checkout.SessionResource, 'create' | 'retrieve' | 'expire'>;
  events: Pick<Stripe.EventResource, 'list'>;
}

/** Enough to cover any backlog the reconciler could meet in one pass; the next pass takes the rest. */
const MAX_EVENTS_PER_PASS = 1000;

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
  constructor(private readonly stripe: StripeApi) {}

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
    const session = await this.call(() => this.stripe.sessions.create(params, { idempotencyKey: request.idempotencyKey }));
    return toCheckoutSession(session);
  }

  async retrieveCheckoutSession(sessionId: string): Promise<CheckoutSession> {
    return toCheckoutSession(await this.call(() => this.stripe.sessions.retrieve(sessionId)));
  }

  async expireCheckoutSession(sessionId: string, idempotencyKey: string): Promise<CheckoutSession> {
    return toCheckoutSession(await this.call(() => this.stripe.sessions.expire(sessionId, {}, { idempotencyKey })));
  }

  async listUndeliveredEvents(since: Date): Promise<ProviderEvent[]> {
    const events: ProviderEvent[] = [];
    await this.call(async () => {
      const list = this.stripe.events.list({
        type: 'checkout.session.*',
        delivery_success: false,
        created: { gte: Math.floor(since.getTime() / 1000) },
        limit: 100,
      });
      for await (const event of list) {
        events.push(toProviderEvent(event));
        if (events.length >= MAX_EVENTS_PER_PASS) break;
      }
    });
    return events.reverse(); // Stripe lists newest first; apply in the order they happened
  }

  private async call<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      throw mapStripeError(error);
    }
  }
}
