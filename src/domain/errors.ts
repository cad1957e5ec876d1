/**
 * The gateway's error vocabulary. Every failure a caller can see is one of these classes, each with a
 * fixed public code. They know nothing of GraphQL or HTTP: the GraphQL door (formatError) and the REST
 * door each render them once, so the same failure carries the same code on both.
 */
export type ErrorCode =
  | 'BAD_USER_INPUT'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'PAYMENT_NOT_FOUND'
  | 'INVALID_PAYMENT_STATE'
  | 'ORDER_CONFLICT'
  | 'IDEMPOTENCY_CONFLICT'
  | 'PROVIDER_ERROR'
  | 'PROVIDER_UNAVAILABLE'
  | 'RATE_LIMITED'
  | 'INTERNAL_SERVER_ERROR';

export interface FieldProblem {
  /** Dotted path into the input, e.g. `lineItems.0.unitAmount`. */
  field: string;
  message: string;
}

export abstract class GatewayError extends Error {
  abstract readonly code: ErrorCode;
  /** Extra public fields rendered beside the code (never secrets, never provider internals). */
  get publicDetails(): Record<string, unknown> {
    return {};
  }
}

export class ValidationError extends GatewayError {
  readonly code = 'BAD_USER_INPUT';
  constructor(readonly details: FieldProblem[]) {
    super(details.length === 1 ? `Invalid ${details[0].field}: ${details[0].message}` : `Invalid input (${details.length} problems)`);
  }
  static single(field: string, message: string): ValidationError {
    return new ValidationError([{ field, message }]);
  }
  override get publicDetails() {
    return { details: this.details };
  }
}

export class UnauthenticatedError extends GatewayError {
  readonly code = 'UNAUTHENTICATED';
  constructor(message = 'A valid API key is required (Authorization: Bearer <key>)') {
    super(message);
  }
}

export class ForbiddenError extends GatewayError {
  readonly code = 'FORBIDDEN';
  constructor(message = 'This key may not do this') {
    super(message);
  }
}

export class PaymentNotFoundError extends GatewayError {
  readonly code = 'PAYMENT_NOT_FOUND';
  constructor(readonly ref: string) {
    super(`No payment ${ref}`);
  }
}

export class InvalidPaymentStateError extends GatewayError {
  readonly code = 'INVALID_PAYMENT_STATE';
  constructor(readonly ref: string, readonly status: string, action: string) {
    super(`Payment ${ref} is ${status} and cannot be ${action}`);
  }
  override get publicDetails() {
    return { ref: this.ref, status: this.status };
  }
}

export class OrderConflictError extends GatewayError {
  readonly code = 'ORDER_CONFLICT';
  constructor(readonly orderId: string, readonly existingRef: string | undefined) {
    super(`Order ${orderId} already has an active or succeeded payment`);
  }
  override get publicDetails() {
    return this.existingRef ? { ref: this.existingRef } : {};
  }
}

export class IdempotencyConflictError extends GatewayError {
  readonly code = 'IDEMPOTENCY_CONFLICT';
  constructor(message = 'This Idempotency-Key was already used with a different request') {
    super(message);
  }
}

/** The provider refused the request (a 4xx from Stripe). The payment, if any, is FAILED. */
export class ProviderError extends GatewayError {
  readonly code = 'PROVIDER_ERROR';
  constructor(message: string, readonly ref?: string) {
    super(message);
  }
  withRef(ref: string): ProviderError {
    return new ProviderError(this.message, ref);
  }
  override get publicDetails() {
    return this.ref ? { ref: this.ref } : {};
  }
}

/** The provider could not be reached or failed transiently. The payment, if any, stays as it was. */
export class ProviderUnavailableError extends GatewayError {
  readonly code = 'PROVIDER_UNAVAILABLE';
  constructor(message: string, readonly ref?: string) {
    super(message);
  }
  withRef(ref: string): ProviderUnavailableError {
    return new ProviderUnavailableError(this.message, ref);
  }
  override get publicDetails() {
    return this.ref ? { ref: this.ref } : {};
  }
}

export class RateLimitedError extends GatewayError {
  readonly code = 'RATE_LIMITED';
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many requests; retry after ${retryAfterSeconds} s`);
  }
  override get publicDetails() {
    return { retryAfter: this.retryAfterSeconds };
  }
}

/** A webhook whose signature does not verify: refused before anything is touched. */
export class WebhookSignatureError extends GatewayError {
  readonly code = 'BAD_USER_INPUT';
  constructor(message = 'The webhook signature does not verify') {
    super(message);
  }
}
