import type Stripe from 'stripe';
import { newPaymentIntentId } from './ids';
import { resourceMissing } from './stripe-error';

/** What a Checkout Session's payment leaves behind: the PaymentIntent Stripe creates for it. */
export interface PaymentIntentInput {
  amount: number;
  currency: string;
  created: number;
  metadata: Record<string, string>;
  description: string | null;
  paymentMethodTypes: string[];
  /** `processing` while a bank debit settles; `succeeded` once the money is there. */
  status: 'processing' | 'succeeded';
}

/**
 * The minimal PaymentIntents the emulator keeps: one per paid (or paying) session, readable with
 * `GET /v1/payment_intents/:id` and `expand[]=payment_intent`. No charges, no payment methods:
 * those fields stay null, as the README says.
 */
export class PaymentIntentStore {
  private readonly intents = new Map<string, Stripe.PaymentIntent>();

  create(input: PaymentIntentInput): Stripe.PaymentIntent {
    const succeeded = input.status === 'succeeded';
    const intent: Stripe.PaymentIntent = {
      id: newPaymentIntentId(),
      object: 'payment_intent',
      allowed_payment_method_types: null,
      amount: input.amount,
      amount_capturable: 0,
      amount_received: succeeded ? input.amount : 0,
      application: null,
      application_fee_amount: null,
      automatic_payment_methods: null,
      canceled_at: null,
      cancellation_reason: null,
      capture_method: 'automatic',
      // Checkout keeps the client secret to itself; an integration never sees it.
      client_secret: null,
      confirmation_method: 'automatic',
      created: input.created,
      currency: input.currency,
      customer: null,
      customer_account: null,
      description: input.description,
      excluded_payment_method_types: null,
      last_payment_error: null,
      latest_charge: null,
      livemode: false,
      managed_payments: null,
      metadata: input.metadata,
      next_action: null,
      on_behalf_of: null,
      payment_method: null,
      payment_method_configuration_details: null,
      payment_method_options: null,
      payment_method_types: input.paymentMethodTypes,
      payment_record: null,
      processing: null,
      receipt_email: null,
      review: null,
      setup_future_usage: null,
      shipping: null,
      source: null,
      statement_descriptor: null,
      statement_descriptor_suffix: null,
      status: input.status,
      transfer_group: null,
    };
    this.intents.set(intent.id, intent);
    return intent;
  }

  /** A bank debit settled: the money arrived, or the debit failed and the intent wants another method. */
  settle(id: string, succeeded: boolean): void {
    const intent = this.intents.get(id);
    if (!intent) return;
    intent.status = succeeded ? 'succeeded' : 'requires_payment_method';
    intent.amount_received = succeeded ? intent.amount : 0;
  }

  find(id: string): Stripe.PaymentIntent | null {
    return this.intents.get(id) ?? null;
  }

  get(id: string): Stripe.PaymentIntent {
    const intent = this.intents.get(id);
    if (!intent) throw resourceMissing('payment_intent', id);
    return intent;
  }
}
