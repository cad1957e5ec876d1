/**
 * The REST door's one renderer of errors: every failure becomes API.md's body
 * `{"error": {"code", "message", "details"?, "ref"?, "requestId"}}` with the status of its code.
 * Unexpected errors are logged with the request id and masked.
 */
import type { ErrorRequestHandler, Response } from 'express';
import { ERROR_CODES, GatewayError, RateLimitedError, type ErrorCode } from '../domain/errors';
import type { Logger } from '../logger';
import { notePaymentRef, requestIdOf } from '../telemetry/request-context';

/** The HTTP status of each code: ERROR_CODES' own column, so there is one mapping. */
export const HTTP_STATUS = Object.fromEntries(
  Object.entries(ERROR_CODES).map(([code, { httpStatus }]) => [code, httpStatus]),
) as Record<ErrorCode, number>;

export function sendError(res: Response, status: number, body: { code: ErrorCode; message: string } & Record<string, unknown>): void {
  res.status(status).json({ error: { ...body, requestId: requestIdOf(res) } });
}

/**
 * The same failure in GraphQL's shape, for what Express answers on /graphql before Apollo runs (a
 * rate limit, a body that does not parse, a draining instance): clients there read `errors`.
 */
export function sendGraphQLError(res: Response, status: number, { message, ...extensions }: { code: string; message: string } & Record<string, unknown>): void {
  res.status(status).json({ errors: [{ message, extensions: { ...extensions, requestId: requestIdOf(res) } }] });
}

/** body-parser's own failures (malformed JSON, too large, wrong charset) are the caller's input errors. */
function bodyParserProblem(error: unknown): { status: number; message: string } | null {
  const type = (error as { type?: unknown } | null)?.type;
  if (type === 'entity.parse.failed') return { status: 400, message: 'The request body is not valid JSON' };
  if (type === 'entity.too.large') return { status: 413, message: 'The request body is too large' };
  if (typeof type === 'string' && (type.startsWith('encoding.') || type.startsWith('charset.') || type === 'request.aborted')) {
    return { status: 400, message: 'The request body could not be read' };
  }
  // Other failures to read a body that body-parser marks as the client's (a gzip body that does not
  // inflate, say) are the client's input too.
  const status = (error as { status?: unknown; expose?: unknown } | null)?.status;
  if ((error as { expose?: unknown } | null)?.expose === true && typeof status === 'number' && status >= 400 && status < 500) {
    return { status: 400, message: 'The request body could not be read' };
  }
  return null;
}

export function restErrorHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    if (error instanceof GatewayError) {
      const ref = (error.publicDetails as { ref?: unknown }).ref;
      if (typeof ref === 'string') notePaymentRef(res, ref, { ifUnknown: true }); // for the request's log line
      if (error instanceof RateLimitedError) res.setHeader('Retry-After', String(error.retryAfterSeconds));
      sendError(res, HTTP_STATUS[error.code], { code: error.code, message: error.message, ...error.publicDetails });
      return;
    }
    const bodyProblem = bodyParserProblem(error);
    if (bodyProblem) {
      // GraphQL clients read `errors`, with Apollo's own code for a request it cannot take.
      if (req.path.startsWith('/graphql')) {
        sendGraphQLError(res, bodyProblem.status, { code: 'BAD_REQUEST', message: bodyProblem.message });
        return;
      }
      sendError(res, bodyProblem.status, { code: 'BAD_USER_INPUT', message: bodyProblem.message, details: [{ field: 'body', message: bodyProblem.message }] });
      return;
    }
    logger.error({ err: error, requestId: requestIdOf(res) }, 'unexpected error in a REST request');
    sendError(res, 500, { code: 'INTERNAL_SERVER_ERROR', message: 'Internal server error' });
  };
}
