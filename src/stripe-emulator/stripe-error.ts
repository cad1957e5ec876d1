/**
 * Errors in Stripe's wire shape. The SDK picks its error class from the HTTP status (and, for 400,
 * from `type: idempotency_error`), so the status and type here decide what integrators catch:
 * 400/404 StripeInvalidRequestError, 401 StripeAuthenticationError, 429 StripeRateLimitError,
 * 409 and 5xx StripeAPIError.
 */
export type StripeErrorType = 'invalid_request_error' | 'api_error' | 'idempotency_error';

export interface StripeErrorBody {
  error: {
    type: StripeErrorType;
    message: string;
    param?: string;
    code?: string;
    doc_url?: string;
  };
}

export interface StripeErrorOptions {
  param?: string;
  code?: string;
  headers?: Record<string, string>;
  /**
   * Stripe stores an idempotent result only once the endpoint started executing: a request refused
   * while its parameters are validated is not stored, so it can be fixed and retried with the same key.
   */
  storable?: boolean;
}

export class StripeApiError extends Error {
  readonly param?: string;
  readonly code?: string;
  readonly headers: Record<string, string>;
  readonly storable: boolean;

  constructor(
    readonly status: number,
    readonly type: StripeErrorType,
    message: string,
    options: StripeErrorOptions = {},
  ) {
    super(message);
    this.name = 'StripeApiError';
    this.param = options.param;
    this.code = options.code;
    this.headers = options.headers ?? {};
    this.storable = options.storable ?? true;
  }

  toBody(): StripeErrorBody {
    const body: StripeErrorBody = { error: { type: this.type, message: this.message } };
    if (this.code) {
      body.error.code = this.code;
      body.error.doc_url = `https://stripe.com/docs/error-codes/${this.code.replace(/_/g, '-')}`;
    }
    if (this.param) body.error.param = this.param;
    return body;
  }
}

/** A parameter Stripe's validation refuses: 400, not stored for idempotency. */
export function invalidParam(param: string, message: string, code?: string): StripeApiError {
  return new StripeApiError(400, 'invalid_request_error', message, { param, code, storable: false });
}

export function missingParam(param: string): StripeApiError {
  return invalidParam(param, `Missing required param: ${param}.`, 'parameter_missing');
}

export function unknownParam(param: string): StripeApiError {
  return invalidParam(param, `Received unknown parameter: ${param}`, 'parameter_unknown');
}

/**
 * An id that names nothing: 404 when it is the object in the URL, 400 when a parameter refers to
 * it (an unknown `price`, `starting_after`), as Stripe answers.
 */
export function resourceMissing(objectName: string, id: string, param = 'id'): StripeApiError {
  const inPath = param === 'id';
  return new StripeApiError(inPath ? 404 : 400, 'invalid_request_error', `No such ${objectName}: '${id}'`, {
    param,
    code: 'resource_missing',
    storable: inPath,
  });
}

export function unrecognizedUrl(method: string, path: string): StripeApiError {
  return new StripeApiError(
    404,
    'invalid_request_error',
    `Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
  );
}
