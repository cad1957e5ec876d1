/**
 * The Validation Service: the input rules of the public API, in one place for both doors (GraphQL
 * resolvers and REST routers). Every function throws ValidationError (BAD_USER_INPUT) with dotted
 * field paths, or returns the input checked and normalised.
 */
export { validateCreatePaymentInput } from './create-payment-input.validator';
export type { ValidCreatePaymentInput, ValidLineItem } from './create-payment-input.validator';
export { validatePaymentRef, validatePageArgs, validateIdempotencyKey } from './request-args.validator';
export type { PageArgs } from './request-args.validator';
export { LIMITS } from './limits';
export {
  CONTROL_CHARACTERS,
  CREATE_PAYMENT_INPUT_FIELDS,
  IDEMPOTENCY_KEY_PATTERN,
  LINE_ITEM_FIELDS,
  METADATA_KEY_FORBIDDEN_CHARACTERS,
  PAYMENT_REF_PATTERN,
} from './field-rules';
export type { CreatePaymentInputField, FieldRule } from './field-rules';
export { FORBIDDEN_KEYS } from './limits';
