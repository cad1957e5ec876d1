/**
 * paymentUpdated over graphql-ws, on the same server and path as GraphQL over HTTP. A socket
 * without a valid key in its connection_init payload is closed (4403) before any operation; every
 * operation passes the same validation (query limits included) and error rendering as over HTTP.
 */
import type { Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { WebSocketServer } from 'ws';
import { useServer } from 'graphql-ws/use/ws';
import { GraphQLError, parse, specifiedRules, validate, type DocumentNode, type GraphQLSchema } from 'graphql';
import { bearerKey, type MerchantAuth, type MerchantService } from '../services/merchants/merchant.service';
import type { PaymentUpdatesService } from '../services/payments/payment-updates.service';
import type { GraphQLContext } from './context';
import { formatGraphQLError } from './graphql-errors';
import { MAX_DOCUMENT_TOKENS, queryLimitsRule } from './query-limits';

/** Distinct valid subscription documents remembered (the oldest is forgotten first). */
const MAX_CACHED_DOCUMENTS = 500;

export function attachSubscriptionServer(
  httpServer: Server,
  schema: GraphQLSchema,
  deps: { merchants: MerchantService; paymentUpdates: PaymentUpdatesService },
): { dispose(): Promise<void> } {
  const wsServer = new WebSocketServer({ server: httpServer, path: '/graphql', maxPayload: 256 * 1024 });
  const rules = [...specifiedRules, queryLimitsRule()];
  // Pages open the same subscription again and again: each distinct document is parsed and validated once.
  const validDocuments = new Map<string, DocumentNode>();
  const sockets = useServer<Record<string, unknown>, { auth?: MerchantAuth }>(
    {
      schema,
      onConnect: async (ctx) => {
        const auth = await deps.merchants.authenticate(bearerKey(ctx.connectionParams?.authorization));
        if (!auth) return false;
        ctx.extra.auth = auth;
        return true;
      },
      onSubscribe: (_ctx, _id, payload) => {
        const known = validDocuments.get(payload.query);
        if (known) return { schema, document: known, variableValues: payload.variables, operationName: payload.operationName };
        // Codes as Apollo gives them over HTTP, so a client sees the same failure the same way.
        let document;
        try {
          document = parse(payload.query, { maxTokens: MAX_DOCUMENT_TOKENS });
        } catch (error) {
          return [withCode(error as GraphQLError, 'GRAPHQL_PARSE_FAILED')];
        }
        let errors;
        try {
          errors = validate(schema, document, rules);
        } catch {
          // graphql-js 16 throws inside SingleFieldSubscriptionsRule for some directives with variables.
          return [new GraphQLError('This subscription cannot be validated; remove directives with variables', { extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } })];
        }
        if (errors.length) return errors.map((error) => withCode(error, 'GRAPHQL_VALIDATION_FAILED'));
        if (validDocuments.size >= MAX_CACHED_DOCUMENTS) validDocuments.delete(validDocuments.keys().next().value!);
        validDocuments.set(payload.query, document);
        return { schema, document, variableValues: payload.variables, operationName: payload.operationName };
      },
      onError: (_ctx, _id, _payload, errors) => formatAll(errors),
      onNext: (_ctx, _id, _payload, _args, result) => (result.errors ? { ...result, errors: formatAll(result.errors) } : result),
      context: (ctx): GraphQLContext => ({
        auth: ctx.extra.auth ?? null,
        requestId: randomUUID(),
        idempotencyKey: null,
        paymentUpdates: deps.paymentUpdates,
        annotate: () => undefined, // a socket has no request log line
      }),
    },
    wsServer,
  );
  return { dispose: async () => void (await sockets.dispose()) };
}

function withCode(error: GraphQLError, code: string): GraphQLError {
  return new GraphQLError(error.message, { nodes: error.nodes, extensions: { code } });
}

const formatAll = (errors: readonly GraphQLError[]) => errors.map((error) => formatGraphQLError(error.toJSON(), error));
