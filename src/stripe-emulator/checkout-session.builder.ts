import type Stripe from 'stripe';
import { newLineItemId, newPriceId, newProductId } from './ids';
import type { SessionCreateInput } from './session-create.validator';

/**
 * Builds the objects Stripe would return for a new hosted Checkout Session in payment mode.
 * Typed with the SDK's own declarations so the compiler holds the shapes to Stripe's; fields the
 * emulator does not model carry the value Stripe gives them when the feature is not used.
 */
export function buildSession(
  input: SessionCreateInput,
  ids: { id: string; created: number; url: string },
): Stripe.Checkout.Session {
  const { options } = input;
  return {
    id: ids.id,
    object: 'checkout.session',
    adaptive_pricing: { enabled: false },
    after_expiration: null,
    allow_promotion_codes: options.allowPromotionCodes,
    allowed_payment_method_types: options.allowedPaymentMethodTypes,
    amount_subtotal: input.amountTotal,
    amount_total: input.amountTotal,
    automatic_tax: { enabled: false, liability: null, provider: null, status: null },
    billing_address_collection: options.billingAddressCollection,
    cancel_url: input.cancelUrl,
    client_reference_id: input.clientReferenceId,
    client_secret: null,
    collected_information: null,
    consent: null,
    consent_collection: null,
    created: ids.created,
    currency: input.currency,
    currency_conversion: null,
    custom_fields: [],
    custom_text: { after_submit: null, shipping_address: null, submit: null, terms_of_service_acceptance: null },
    customer: null,
    customer_account: null,
    customer_creation: options.customerCreation ?? 'if_required',
    // Filled in when the customer submits the page, as Stripe does.
    customer_details: null,
    customer_email: input.customerEmail,
    discounts: [],
    ...(options.excludedPaymentMethodTypes ? { excluded_payment_method_types: options.excludedPaymentMethodTypes } : {}),
    expires_at: input.expiresAt ?? ids.created + 24 * 60 * 60,
    integration_identifier: null,
    invoice: null,
    invoice_creation: {
      enabled: false,
      invoice_data: {
        account_tax_ids: null,
        custom_fields: null,
        description: null,
        footer: null,
        issuer: null,
        metadata: {},
        rendering_options: null,
      },
    },
    livemode: false,
    locale: options.locale,
    managed_payments: null,
    metadata: input.metadata,
    mode: 'payment',
    origin_context: null,
    payment_intent: null,
    payment_link: null,
    payment_method_collection: options.paymentMethodCollection ?? 'if_required',
    payment_method_configuration_details: null,
    payment_method_options: { card: { request_three_d_secure: 'automatic' } },
    payment_method_types: options.paymentMethodTypes ?? ['card'],
    payment_status: 'unpaid',
    permissions: null,
    phone_number_collection: { enabled: false },
    recovered_from: null,
    saved_payment_method_options: null,
    setup_intent: null,
    shipping_address_collection: null,
    shipping_cost: null,
    shipping_options: [],
    status: 'open',
    submit_type: options.submitType,
    subscription: null,
    success_url: input.successUrl,
    total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
    ui_mode: 'hosted',
    url: ids.url,
    wallet_options: null,
  };
}

/**
 * Stripe creates a one-off Price and Product for each `price_data` line; the line items show the
 * prices, whose `product` id `expand[]=data.price.product` turns into the Product.
 */
export function buildLineItems(
  input: SessionCreateInput,
  created: number,
): { lineItems: Stripe.LineItem[]; products: Stripe.Product[] } {
  const products: Stripe.Product[] = [];
  const lineItems = input.lineItems.map((li): Stripe.LineItem => {
    const amount = li.unitAmount * li.quantity;
    const product: Stripe.Product = {
      id: newProductId(),
      object: 'product',
      active: false,
      created,
      default_price: null,
      description: li.description,
      images: [],
      livemode: false,
      marketing_features: [],
      metadata: li.productMetadata,
      name: li.name,
      package_dimensions: null,
      shippable: null,
      tax_code: null,
      tax_details: null,
      type: 'service',
      unit_label: null,
      updated: created,
      url: null,
    };
    products.push(product);
    const price: Stripe.Price = {
      id: newPriceId(),
      object: 'price',
      active: false,
      billing_scheme: 'per_unit',
      created,
      currency: li.currency,
      custom_unit_amount: null,
      livemode: false,
      lookup_key: null,
      metadata: {},
      nickname: null,
      product: product.id,
      recurring: null,
      tax_behavior: 'unspecified',
      tiers_mode: null,
      transform_quantity: null,
      type: 'one_time',
      unit_amount: li.unitAmount,
      // On the wire this is a decimal string; the SDK turns it into its Decimal class on receipt.
      unit_amount_decimal: String(li.unitAmount) as unknown as Stripe.Price['unit_amount_decimal'],
    };
    return {
      id: newLineItemId(),
      object: 'item',
      adjustable_quantity: null,
      amount_discount: 0,
      amount_subtotal: amount,
      amount_tax: 0,
      amount_total: amount,
      currency: li.currency,
      description: li.name,
      metadata: li.metadata,
      price,
      quantity: li.quantity,
    };
  });
  return { lineItems, products };
}
