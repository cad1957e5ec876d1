import type Stripe from 'stripe';
import { FormParams, readBoolean, readEnum, readEnumList } from './form-params';
import {
  BILLING_ADDRESS_COLLECTIONS,
  CUSTOMER_CREATIONS,
  EXCLUDABLE_PAYMENT_METHOD_TYPES,
  LOCALES,
  PAYMENT_METHOD_COLLECTIONS,
  PAYMENT_METHOD_TYPES,
  SUBMIT_TYPES,
} from './stripe-enums';

/** The session options Stripe echoes back; null where not given (the session then shows Stripe's default). */
export interface SessionOptions {
  locale: Stripe.Checkout.SessionCreateParams.Locale | null;
  submitType: Stripe.Checkout.SessionCreateParams.SubmitType | null;
  allowPromotionCodes: boolean | null;
  billingAddressCollection: Stripe.Checkout.SessionCreateParams.BillingAddressCollection | null;
  customerCreation: Stripe.Checkout.SessionCreateParams.CustomerCreation | null;
  paymentMethodCollection: Stripe.Checkout.SessionCreateParams.PaymentMethodCollection | null;
  /** `payment_method_types` (older API versions) or `allowed_payment_method_types`. */
  paymentMethodTypes: Stripe.Checkout.SessionCreateParams.AllowedPaymentMethodType[] | null;
  allowedPaymentMethodTypes: Stripe.Checkout.SessionCreateParams.AllowedPaymentMethodType[] | null;
  excludedPaymentMethodTypes: Stripe.Checkout.SessionCreateParams.ExcludedPaymentMethodType[] | null;
}

/** The enum and boolean options: each checked against Stripe's values, refused naming the parameter. */
export function readSessionOptions(params: FormParams): SessionOptions {
  return {
    locale: readEnum(params.locale, 'locale', LOCALES),
    submitType: readEnum(params.submit_type, 'submit_type', SUBMIT_TYPES),
    allowPromotionCodes: readBoolean(params.allow_promotion_codes, 'allow_promotion_codes'),
    billingAddressCollection: readEnum(params.billing_address_collection, 'billing_address_collection', BILLING_ADDRESS_COLLECTIONS),
    customerCreation: readEnum(params.customer_creation, 'customer_creation', CUSTOMER_CREATIONS),
    paymentMethodCollection: readEnum(params.payment_method_collection, 'payment_method_collection', PAYMENT_METHOD_COLLECTIONS),
    paymentMethodTypes: readEnumList(params.payment_method_types, 'payment_method_types', PAYMENT_METHOD_TYPES),
    allowedPaymentMethodTypes: readEnumList(params.allowed_payment_method_types, 'allowed_payment_method_types', PAYMENT_METHOD_TYPES),
    excludedPaymentMethodTypes: readEnumList(params.excluded_payment_method_types, 'excluded_payment_method_types', EXCLUDABLE_PAYMENT_METHOD_TYPES),
  };
}
