/**
 * The GraphQL door's one renderer of errors (Apollo's formatError): the gateway's errors carry their
 * code and public details; GraphQL's own request errors keep Apollo's code; anything else is masked
 * as INTERNAL_SERVER_ERROR (no stack, no SQL, no provider internals) and logged by the plugin below.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLError, GraphQLFormattedError } from 'graphql';
import { GatewayError } from '../domain/errors';
import type { Logger } from '../logger';
import type { GraphQLContext } from '../resolvers/context';

/**
 * Codes Apollo itself gives to bad requests: the caller's fault, safe to show as they are. Each with
 * what it means to a caller (docs/reference.md lists them from here).
 */
export const REQUEST_ERROR_CODES: Readonly<Record<string, string>> = {
  GRAPHQL_PARSE_FAILED: 'the document does not parse, or is longer than the token limit',
  GRAPHQL_VALIDATION_FAILED:
    'the document does not fit the schema (an unknown field, a missing argument), is over a query limit, is a subscription sent over HTTP, or holds more than one createPayment',
  BAD_USER_INPUT: "a variable or argument of the wrong GraphQL type (Apollo's), besides the gateway's own input errors",
  BAD_REQUEST: 'a request GraphQL over HTTP does not take: no query, a batch (a JSON array), a mutation over GET (405), or one that could be cross-site (CSRF prevention)',
  OPERATION_RESOLUTION_FAILURE: '`operationName` names no operation of the document, or the document has several and none is named',
  PERSISTED_QUERY_NOT_FOUND: 'automatic persisted queries are not offered: send the query text',
  PERSISTED_QUERY_NOT_SUPPORTED: 'automatic persisted queries are not offered: send the query text',
};

export function formatGraphQLError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  const where = { ...(formatted.locations && { locations: formatted.locations }), ...(formatted.path && { path: formatted.path }) };
  if (original instanceof GatewayError) {
    return { message: original.message, ...where, extensions: { code: original.code, ...original.publicDetails } };
  }
  if (isRequestError(formatted)) return { message: formatted.message, ...where, extensions: { code: formatted.extensions!.code } };
  return { message: 'Internal server error', ...where, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}

/** Whether an error is expected: one of ours, or one of Apollo's codes for a bad request. */
function isExpected(error: GraphQLError): boolean {
  return unwrapResolverError(error) instanceof GatewayError || isRequestError(error);
}

function isRequestError(error: { extensions?: Record<string, unknown> }): boolean {
  const code = error.extensions?.code;
  return typeof code === 'string' && Object.hasOwn(REQUEST_ERROR_CODES, code);
}

/** Logs unexpected errors with the request id, and puts that id on every error so callers can quote it. */
export function errorReportingPlugin(logger: Logger): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart({ contextValue }) {
      return {
        async didResolveOperation({ operationName, operation }) {
          contextValue.annotate({ operationName: operationName ?? `anonymous ${operation?.operation ?? "operation"}` });
        },
        async didEncounterErrors({ errors, operationName }) {
          for (const error of errors) {
            if (isExpected(error)) continue;
            logger.error({ err: unwrapResolverError(error), requestId: contextValue.requestId, operationName }, 'unexpected error in a GraphQL operation');
          }
        },
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single' || !response.body.singleResult.errors) return;
          response.body.singleResult.errors = response.body.singleResult.errors.map((error) => ({
            ...error,
            extensions: { ...error.extensions, requestId: contextValue.requestId },
          }));
        },
      };
    },
  };
}
