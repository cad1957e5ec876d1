import type Stripe from 'stripe';

/**
 * The values Stripe accepts for the enum parameters the emulator checks, written out because
 * types are gone at runtime. Each list is tied to the SDK's own union with `listsEvery`, so the
 * compiler refuses a list that lacks a value of the union or holds one the union does not have:
 * upgrading the `stripe` package makes `tsc` point at every list to bring up to date.
 */

/**
 * The literal members of one of the SDK's enum unions. The SDK widens each union with
 * `OtherString` (`string & {}`) so newer API values still type-check; that member is dropped here.
 */
export type KnownValues<Union> = Union extends string ? (string extends Union ? never : Union) : never;

/**
 * `listsEvery<Union>()([...])` returns the list unchanged, and fails to compile unless the list
 * holds every member of `Union` and nothing else.
 */
export function listsEvery<All extends string>() {
  return <const Listed extends readonly All[]>(
    list: Listed & ([Exclude<All, Listed[number]>] extends [never] ? unknown : { missing: Exclude<All, Listed[number]> }),
  ): Listed => list;
}

export const MODES = listsEvery<KnownValues<Stripe.Checkout.SessionCreateParams.Mode>>()(['payment', 'setup', 'subscription']);

export const LOCALES = listsEvery<KnownValues<Stripe.Checkout.SessionCreateParams.Locale>>()([
  'auto', 'bg', 'cs', 'da', 'de', 'el', 'en', 'en-GB', 'es', 'es-419', 'et', 'fi', 'fil', 'fr',
  'fr-CA', 'hi-IN', 'hr', 'hu', 'id', 'it', 'ja', 'ko', 'lt', 'lv', 'ms', 'mt', 'nb', 'nl', 'pl',
  'pt', 'pt-BR', 'ro', 'ru', 'sk', 'sl', 'sv', 'th', 'tr', 'vi', 'zh', 'zh-HK', 'zh-TW',
]);

export const SUBMIT_TYPES = listsEvery<KnownValues<Stripe.Checkout.SessionCreateParams.SubmitType>>()(['auto', 'book', 'donate', 'pay', 'subscribe']);

export const BILLING_ADDRESS_COLLECTIONS = listsEvery<KnownValues<Stripe.Checkout.SessionCreateParams.BillingAddressCollection>>()(['auto', 'required']);

export const CUSTOMER_CREATIONS = listsEvery<KnownValues<Stripe.Checkout.SessionCreateParams.CustomerCreation>>()(['always', 'if_required']);

export const PAYMENT_METHOD_COLLECTIONS = listsEvery<KnownValues<Stripe.Checkout.SessionCreateParams.PaymentMethodCollection>>()(['always', 'if_required']);

/**
 * Payment method types a session may offer. The SDK's pinned API version names the parameter
 * `allowed_payment_method_types`; older versions call it `payment_method_types`, which Stripe
 * still takes and checks against the same list.
 */
export const PAYMENT_METHOD_TYPES = listsEvery<KnownValues<Stripe.Checkout.SessionCreateParams.AllowedPaymentMethodType>>()([
  'acss_debit', 'affirm', 'afterpay_clearpay', 'alipay', 'alma', 'amazon_pay', 'au_becs_debit',
  'bacs_debit', 'bancontact', 'billie', 'bizum', 'blik', 'boleto', 'card', 'cashapp', 'crypto',
  'customer_balance', 'eps', 'fpx', 'giropay', 'grabpay', 'ideal', 'kakao_pay', 'klarna', 'konbini',
  'kr_card', 'link', 'mb_way', 'mobilepay', 'multibanco', 'naver_pay', 'nz_bank_account', 'oxxo',
  'p24', 'pay_by_bank', 'payco', 'paynow', 'paypal', 'paypay', 'payto', 'pix', 'promptpay',
  'revolut_pay', 'samsung_pay', 'satispay', 'scalapay', 'sepa_debit', 'sequra', 'sofort', 'sunbit',
  'swish', 'twint', 'upi', 'us_bank_account', 'wechat_pay', 'zip',
]);

/** The same list without `link`, which cannot be excluded on its own. */
export const EXCLUDABLE_PAYMENT_METHOD_TYPES = listsEvery<KnownValues<Stripe.Checkout.SessionCreateParams.ExcludedPaymentMethodType>>()(
  PAYMENT_METHOD_TYPES.filter((t) => t !== 'link') as readonly Exclude<(typeof PAYMENT_METHOD_TYPES)[number], 'link'>[],
);

export const SESSION_STATUSES = listsEvery<KnownValues<NonNullable<Stripe.Checkout.SessionListParams['status']>>>()(['complete', 'expired', 'open']);
