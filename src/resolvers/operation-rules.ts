/**
 * Validation rules about what one HTTP request may do, beside the size limits of query-limits.ts:
 * - subscriptions are served over WebSocket only (over HTTP they could not stream anyway);
 * - one createPayment per document: the field is non-null, so a second one failing would null the
 *   whole answer and hide the payment the first one made; and one Idempotency-Key names one request.
 */
import { GraphQLError, Kind, type ASTVisitor, type ValidationContext } from 'graphql';

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
