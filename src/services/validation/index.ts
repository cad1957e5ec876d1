/**
 * The Validation Service: the input rules of the public API, in one place for both doors (GraphQL
 * resolvers and REST routers). Each input has one zod schema (*.schema.ts) from which the validators
 * (validators.ts), the OpenAPI document (json-schema.ts) and the GraphQL descriptions are derived;
 * every number is in src/domain/limits.ts, every money rule in src/domain/money.ts.
 */
export { validateCreatePaymentInput, validateIdempotencyKey, validatePageArgs, validatePaymentRef } from './validators';
export type { PageArgs, ValidCreatePaymentInput, ValidLineItem } from './validators';
export { CreatePaymentInputSchema, CREATE_PAYMENT_INPUT_FIELDS, createPaymentShape, lineItemShape } from './create-payment.schema';
export { IDEMPOTENCY_KEY_PATTERN, IdempotencyKeySchema, pageArgsShape, PaymentRefSchema, PAYMENT_REF_PATTERN } from './request-args.schema';
export { descriptionOf, idempotencyKeyJsonSchema, inputJsonSchemas } from './json-schema';
export { FORBIDDEN_KEYS, LIMITS } from '../../domain/limits';
