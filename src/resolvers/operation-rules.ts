/**
 * Validation rules about what one HTTP request may do, beside the size limits of query-limits.ts:
 * - subscriptions are served over WebSocket only (over HTTP they could not stream anyway);
 * - one createPayment per document: the field is non-null, so a second one failing would null the
 *   whole answer and hide the payment the first one made; and one Idempotency-Key names one request.
 */
import type { RequestHandler } from 'express';
import { GraphQLError, Kind, parse, type ASTVisitor, type ValidationContext } from 'graphql';
import { MAX_DOCUMENT_TOKENS } from './query-limits';

export function httpOperationRules(context: ValidationContext): ASTVisitor {
  return {
    OperationDefinition(operation) {
      if (operation.operation === 'subscription') {
        context.reportError(
          new GraphQLError('Subscriptions are served over WebSocket (graphql-ws) on this same path', { nodes: [operation] }),
        );
        return;
      }
      const creates = operation.selectionSet.selections.filter(
        (selection) => selection.kind === Kind.FIELD && selection.name.value === 'createPayment',
      );
      if (operation.operation === 'mutation' && creates.length > 1) {
        context.reportError(new GraphQLError('One createPayment per request: send each payment on its own', { nodes: creates }));
      }
    },
  };
}

/**
 * Subscriptions sent over HTTP are refused before Apollo sees them, not only by the rule above:
 * graphql-js 16's own SingleFieldSubscriptionsRule throws (a 500) instead of reporting when a
 * subscription's field carries a directive with a variable argument, and it runs before any rule of
 * ours could object. Parsing here is bounded by the same token limit.
 */
export const refuseHttpSubscriptions: RequestHandler = (req, res, next) => {
  const query = (req.method === 'GET' ? req.query.query : (req.body as { query?: unknown } | undefined)?.query) as unknown;
  if (typeof query !== 'string' || !/subscription/.test(query)) return next();
  let document;
  try {
    document = parse(query, { maxTokens: MAX_DOCUMENT_TOKENS });
  } catch {
    return next(); // Apollo answers the parse error itself, with its code
  }
  const subscribes = document.definitions.some((definition) => definition.kind === Kind.OPERATION_DEFINITION && definition.operation === 'subscription');
  if (!subscribes) return next();
  res.status(400).json({
    errors: [
      {
        message: 'Subscriptions are served over WebSocket (graphql-ws) on this same path',
        extensions: { code: 'GRAPHQL_VALIDATION_FAILED', requestId: res.locals.requestId },
      },
    ],
  });
};
