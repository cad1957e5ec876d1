/**
 * What one GraphQL operation may do, the same over HTTP and over WebSocket (both doors validate with
 * `operationRules`): the size limits of query-limits.ts, and
 * - one createPayment per document: the field is non-null, so a second one failing would null the
 *   whole answer and hide the payment the first one made; and one Idempotency-Key names one request.
 *   Counted on the document as executed: through inline and named fragments too;
 * - no introspection in production (without it, "did you mean …?" hints are hidden too: see
 *   `hideSchemaSuggestions`).
 * HTTP adds one rule of its own: subscriptions are served over WebSocket only (over HTTP they could
 * not stream anyway).
 */
import type { RequestHandler } from 'express';
import { requestIdOf } from '../telemetry/request-context';
import {
  GraphQLError,
  Kind,
  NoSchemaIntrospectionCustomRule,
  parse,
  type ASTVisitor,
  type FieldNode,
  type FragmentDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { MAX_DOCUMENT_TOKENS, queryLimitsRule } from './query-limits';

/** The rules every operation passes, whichever door it came through (GraphQL's own rules come first). */
export function operationRules(options: { production: boolean }): ValidationRule[] {
  return [queryLimitsRule(), oneCreatePaymentRule, ...(options.production ? [NoSchemaIntrospectionCustomRule] : [])];
}

/** What Apollo's hideSchemaDetailsFromClientErrors does to a validation message, for the WebSocket door. */
export function hideSchemaSuggestions(message: string): string {
  return message.replace(/ ?Did you mean(.+?)\?$/, '');
}

function oneCreatePaymentRule(context: ValidationContext): ASTVisitor {
  return {
    OperationDefinition(operation) {
      if (operation.operation !== 'mutation') return;
      const creates = rootFieldsAsExecuted(context, operation.selectionSet).filter((field) => field.name.value === 'createPayment');
      if (creates.length > 1) {
        context.reportError(new GraphQLError('One createPayment per request: send each payment on its own', { nodes: creates }));
      }
    },
  };
}

/**
 * The fields an operation's root selection runs, fragments (inline or named, nested) expanded. Fields
 * under @skip/@include are counted too: a rule must not depend on variables it cannot see yet.
 * Fields of one response name are one field (GraphQL merges them); fragment cycles are refused by
 * GraphQL's own rule and cut here.
 */
function rootFieldsAsExecuted(context: ValidationContext, selectionSet: SelectionSetNode): FieldNode[] {
  // Each named fragment is expanded once and remembered, so fragments spreading each other many
  // times over cannot make this walk exponential.
  const expanded = new Map<string, FieldNode[]>();
  const inProgress = new Set<string>();
  const fieldsOf = (set: SelectionSetNode): FieldNode[] => {
    // One field under the same response name runs once: `a: createPayment` spread twice is one create.
    const byResponseName = new Map<string, FieldNode>();
    const add = (field: FieldNode) => byResponseName.set(field.alias?.value ?? field.name.value, field);
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) add(selection);
      else if (selection.kind === Kind.INLINE_FRAGMENT) fieldsOf(selection.selectionSet).forEach(add);
      else fragmentFields(selection.name.value).forEach(add);
    }
    return [...byResponseName.values()];
  };
  const fragmentFields = (name: string): FieldNode[] => {
    const known = expanded.get(name);
    if (known) return known;
    const fragment: FragmentDefinitionNode | null | undefined = context.getFragment(name);
    if (!fragment || inProgress.has(name)) return [];
    inProgress.add(name);
    const fields = fieldsOf(fragment.selectionSet);
    inProgress.delete(name);
    expanded.set(name, fields);
    return fields;
  };
  return fieldsOf(selectionSet);
}

/** HTTP only: subscriptions need the WebSocket door. */
export function noSubscriptionsOverHttp(context: ValidationContext): ASTVisitor {
  return {
    OperationDefinition(operation) {
      if (operation.operation === 'subscription') {
        context.reportError(
          new GraphQLError('Subscriptions are served over WebSocket (graphql-ws) on this same path', { nodes: [operation] }),
        );
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
        extensions: { code: 'GRAPHQL_VALIDATION_FAILED', requestId: requestIdOf(res) },
      },
    ],
  });
};
