import {
  MAX_AMOUNT,
  formatAmount,
  isSupportedCurrency,
  isThreeDecimal,
  minimumChargeOf,
} from './currency';
import {
  FormParams,
  FormValue,
  isHash,
  readEnum,
  readInteger,
  readMetadata,
  readString,
  rejectUnknown,
} from './form-params';
import { ExpandTree, parseExpand } from './expand';
import { SessionOptions, readSessionOptions } from './session-options';
import { MODES } from './stripe-enums';
import { StripeApiError, invalidParam, missingParam, resourceMissing } from './stripe-error';


/** What a valid `POST /v1/checkout/sessions` asks for, in the emulator's terms. */
export interface LineItemInput {
  name: string;
  description: string | null;
  currency: string;
  unitAmount: number;
  quantity: number;
  productMetadata: Record<string, string>;
  metadata: Record<string, string>;
}

export interface SessionCreateInput {
  currency: string;
  lineItems: LineItemInput[];
  amountTotal: number;
  successUrl: string;
  cancelUrl: string | null;
  clientReferenceId: string | null;
  customerEmail: string | null;
  /** null: Stripe's default of 24 hours after creation. */
  expiresAt: number | null;
  metadata: Record<string, string>;
  paymentIntentMetadata: Record<string, string>;
  paymentIntentDescription: string | null;
  /** The options Stripe echoes on the session. */
  options: SessionOptions;
  expand: ExpandTree;
}


// Every parameter Stripe documents for this endpoint: unknown ones are refused as Stripe refuses
// them; known ones the emulator does not model are accepted and ignored (see README).
const TOP_LEVEL = [
  'adaptive_pricing', 'after_expiration', 'allow_promotion_codes', 'allowed_payment_method_types',
  'automatic_tax', 'billing_address_collection', 'branding_settings', 'cancel_url',
  'client_reference_id', 'consent_collection', 'currency', 'custom_fields', 'custom_text',
  'customer', 'customer_account', 'customer_creation', 'customer_email', 'customer_update',
  'discounts', 'excluded_payment_method_types', 'expand', 'expires_at', 'integration_identifier',
  'invoice_creation', 'line_items', 'locale', 'managed_payments', 'metadata', 'mode',
  'name_collection', 'optional_items', 'origin_context', 'payment_intent_data',
  'payment_method_collection', 'payment_method_configuration', 'payment_method_data',
  'payment_method_options', 'payment_method_types', 'permissions', 'phone_number_collection',
  'redirect_on_completion', 'return_url', 'saved_payment_method_options', 'setup_intent_data',
  'shipping_address_collection', 'shipping_options', 'submit_type', 'subscription_data',
  'success_url', 'tax_id_collection', 'ui_mode', 'wallet_options',
] as const;
const LINE_ITEM = ['adjustable_quantity', 'dynamic_tax_rates', 'metadata', 'price', 'price_data', 'quantity', 'tax_rates'];
const PRICE_DATA = ['currency', 'product', 'product_data', 'recurring', 'tax_behavior', 'unit_amount', 'unit_amount_decimal'];
const PRODUCT_DATA = ['description', 'images', 'metadata', 'name', 'tax_code', 'tax_details', 'unit_label'];
const PAYMENT_INTENT_DATA = [
  'application_fee_amount', 'capture_method', 'description', 'metadata', 'on_behalf_of',
  'receipt_email', 'setup_future_usage', 'shipping', 'statement_descriptor',
  'statement_descriptor_suffix', 'transfer_data', 'transfer_group',
];

export const MAX_LINE_ITEMS = 100;
const MAX_QUANTITY = 999_999;
const MIN_EXPIRY_SECONDS = 30 * 60;
const MAX_EXPIRY_SECONDS = 24 * 60 * 60;
/** The integrator computes expires_at before the request travels; allow for that transit. */
export const EXPIRY_SLACK_SECONDS = 10;
const MAX_URL_LENGTH = 5000;

export function validateSessionCreate(params: FormParams, nowSeconds: number): SessionCreateInput {
  rejectUnknown(params, TOP_LEVEL);

  const mode = readEnum(params.mode, 'mode', MODES, { required: true })!;
  if (mode !== 'payment') {
    throw invalidParam('mode', `The emulator implements only mode=payment, not mode=${mode}.`);
  }

  const lineItems = readLineItems(params.line_items);
  const currency = lineItems[0]!.currency;
  const amountTotal = lineItems.reduce((sum, li) => sum + li.unitAmount * li.quantity, 0);
  checkTotal(amountTotal, currency);

  const successUrl = readUrl(params.success_url, 'success_url', true)!;
  const cancelUrl = readUrl(params.cancel_url, 'cancel_url', false);
  const clientReferenceId = readString(params.client_reference_id, 'client_reference_id', { maxLength: 200 });
  const customerEmail = readEmail(params.customer_email);
  const expiresAt = readExpiresAt(params.expires_at, nowSeconds);
  const metadata = readMetadata(params.metadata, 'metadata');
  const pid = readPaymentIntentData(params.payment_intent_data);
  const options = readSessionOptions(params);
  const expand = parseExpand(params.expand, 'checkout.session');

  return {
    currency,
    lineItems,
    amountTotal,
    successUrl,
    cancelUrl,
    clientReferenceId,
    customerEmail,
    expiresAt,
    metadata,
    paymentIntentMetadata: pid.metadata,
    paymentIntentDescription: pid.description,
    options,
    expand,
  };
}


function readLineItems(value: FormValue | undefined): LineItemInput[] {
  if (value === undefined || value === '') throw missingParam('line_items');
  if (!Array.isArray(value)) throw invalidParam('line_items', 'Invalid array: line_items must be an array');
  if (value.length === 0) throw missingParam('line_items');
  if (value.length > MAX_LINE_ITEMS) {
    throw invalidParam(
      'line_items',
      `You may only specify up to ${MAX_LINE_ITEMS} line items, but you passed ${value.length}.`,
    );
  }
  const items = value.map((raw, i) => readLineItem(raw, `line_items[${i}]`));
  const currency = items[0]!.currency;
  items.forEach((item, i) => {
    if (item.currency !== currency) {
      throw invalidParam(
        `line_items[${i}][price_data][currency]`,
        `All line items must use the same currency: line_items[0] is in ${currency} but line_items[${i}] is in ${item.currency}.`,
      );
    }
  });
  return items;
}

function readLineItem(raw: FormValue, at: string): LineItemInput {
  if (!isHash(raw)) throw invalidParam(at, `Invalid hash: ${at} must be a hash`);
  rejectUnknown(raw, LINE_ITEM, at);
  if (raw.price !== undefined) {
    // The emulator keeps no Price objects, so any price id is unknown to it, as an unknown id is at Stripe.
    throw resourceMissing('price', String(raw.price), `${at}[price]`);
  }
  const priceData = raw.price_data;
  if (priceData === undefined) {
    throw invalidParam(at, `You must specify either \`price\` or \`price_data\` in ${at}.`, 'parameter_missing');
  }
  if (!isHash(priceData)) throw invalidParam(`${at}[price_data]`, 'Invalid hash');
  const pd = `${at}[price_data]`;
  rejectUnknown(priceData, PRICE_DATA, pd);

  const rawCurrency = readString(priceData.currency, `${pd}[currency]`, { required: true })!;
  const currency = rawCurrency.toLowerCase();
  if (!isSupportedCurrency(currency)) {
    throw invalidParam(
      `${pd}[currency]`,
      `Invalid currency: ${rawCurrency}. Stripe currently supports these currencies: see https://stripe.com/docs/currencies`,
    );
  }
  if (priceData.recurring !== undefined) {
    throw invalidParam(
      `${pd}[recurring]`,
      'You specified `payment` mode but passed a recurring price. Either switch to `subscription` mode or use only one-time prices.',
    );
  }
  const unitAmount = readUnitAmount(priceData, pd);
  if (isThreeDecimal(currency) && unitAmount % 10 !== 0) {
    throw invalidParam(
      `${pd}[unit_amount]`,
      `Amounts in ${currency} must be divisible by 10 (Stripe charges three-decimal currencies in tens).`,
    );
  }
  if (priceData.product !== undefined) {
    throw resourceMissing('product', String(priceData.product), `${pd}[product]`);
  }
  const productData = priceData.product_data;
  if (productData === undefined) throw missingParam(`${pd}[product_data]`);
  if (!isHash(productData)) throw invalidParam(`${pd}[product_data]`, 'Invalid hash');
  rejectUnknown(productData, PRODUCT_DATA, `${pd}[product_data]`);
  const name = readString(productData.name, `${pd}[product_data][name]`, { required: true, maxLength: 5000 })!;
  if (name.trim() === '') {
    throw invalidParam(`${pd}[product_data][name]`, 'The product name cannot be blank.', 'parameter_invalid_string_blank');
  }
  const description = readString(productData.description, `${pd}[product_data][description]`, { maxLength: 40000 });
  const productMetadata = readMetadata(productData.metadata, `${pd}[product_data][metadata]`);

  const quantity = readInteger(raw.quantity, `${at}[quantity]`, { required: true, min: 1, max: MAX_QUANTITY })!;
  const metadata = readMetadata(raw.metadata, `${at}[metadata]`);
  return { name, description, currency, unitAmount, quantity, productMetadata, metadata };
}

function readUnitAmount(priceData: Record<string, FormValue>, pd: string): number {
  if (priceData.unit_amount !== undefined) {
    return readInteger(priceData.unit_amount, `${pd}[unit_amount]`, { min: 0, max: MAX_AMOUNT })!;
  }
  if (priceData.unit_amount_decimal !== undefined) {
    const text = readString(priceData.unit_amount_decimal, `${pd}[unit_amount_decimal]`)!;
    // Stripe allows sub-unit prices (up to 12 decimals); the emulator charges whole minor units only.
    if (!/^\d+(\.0+)?$/.test(text)) {
      throw invalidParam(`${pd}[unit_amount_decimal]`, 'The emulator accepts only whole minor units in unit_amount_decimal.');
    }
    const n = Number(text);
    if (n > MAX_AMOUNT) throw invalidParam(`${pd}[unit_amount_decimal]`, `This value must be less than or equal to ${MAX_AMOUNT}.`);
    return n;
  }
  throw invalidParam(
    `${pd}[unit_amount]`,
    `You must specify either \`unit_amount\` or \`unit_amount_decimal\` in ${pd}.`,
    'parameter_missing',
  );
}

function checkTotal(amount: number, currency: string): void {
  const minimum = minimumChargeOf(currency);
  if (amount < minimum) {
    throw new StripeApiError(
      400,
      'invalid_request_error',
      `The Checkout Session's total amount due must add up to at least ${formatAmount(minimum, currency)} ${currency}`,
      { param: 'line_items', code: 'amount_too_small', storable: false },
    );
  }
  if (amount > MAX_AMOUNT) {
    throw new StripeApiError(
      400,
      'invalid_request_error',
      `The Checkout Session's total amount due must be no more than ${formatAmount(MAX_AMOUNT, currency)}.`,
      { param: 'line_items', code: 'amount_too_large', storable: false },
    );
  }
}

function readUrl(value: FormValue | undefined, param: string, required: boolean): string | null {
  const text = readString(value, param, { required, maxLength: MAX_URL_LENGTH });
  if (text === null) return null;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalidParam(param, 'Not a valid URL', 'url_invalid');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw invalidParam(param, 'Not a valid URL', 'url_invalid');
  }
  return text;
}

// Deliberately loose, as Stripe's own check is: one @, something on each side, a dot in the domain.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function readEmail(value: FormValue | undefined): string | null {
  const text = readString(value, 'customer_email', { maxLength: 800 });
  if (text === null) return null;
  if (!EMAIL.test(text)) throw invalidParam('customer_email', `Invalid email address: ${text}`, 'email_invalid');
  return text;
}

function readExpiresAt(value: FormValue | undefined, now: number): number | null {
  const expiresAt = readInteger(value, 'expires_at');
  if (expiresAt === null) return null;
  if (expiresAt < now + MIN_EXPIRY_SECONDS - EXPIRY_SLACK_SECONDS) {
    throw invalidParam(
      'expires_at',
      'The `expires_at` timestamp must be at least 30 minutes from Checkout Session creation.',
    );
  }
  if (expiresAt > now + MAX_EXPIRY_SECONDS + EXPIRY_SLACK_SECONDS) {
    throw invalidParam(
      'expires_at',
      'The `expires_at` timestamp must be less than 24 hours from Checkout Session creation.',
    );
  }
  return expiresAt;
}

function readPaymentIntentData(value: FormValue | undefined): {
  metadata: Record<string, string>;
  description: string | null;
} {
  if (value === undefined || value === '') return { metadata: {}, description: null };
  if (!isHash(value)) throw invalidParam('payment_intent_data', 'Invalid hash');
  rejectUnknown(value, PAYMENT_INTENT_DATA, 'payment_intent_data');
  return {
    metadata: readMetadata(value.metadata, 'payment_intent_data[metadata]'),
    description: readString(value.description, 'payment_intent_data[description]', { maxLength: 1000 }),
  };
}
