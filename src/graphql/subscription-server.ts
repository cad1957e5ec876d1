/**
 * GraphQL over graphql-ws, on the same server and path as GraphQL over HTTP: paymentUpdated, and
 * queries and mutations too (graphql-ws clients may send every operation this way). The door keeps
 * the HTTP door's controls:
 * - every operation, and every connection_init, is counted in the same rate-limit buckets as an HTTP
 *   request (per address and per key); a limited operation gets an error RATE_LIMITED with
 *   `retryAfter`, the socket stays open; a limited connection_init is closed (4029);
 * - every operation passes the same validation (operation-rules.ts) and error rendering, and
 *   persisted queries are refused as over HTTP;
 * - open sockets are capped per address and per key, and operations per socket (socket-registry.ts);
 * - a socket without a valid key is closed (4403) before any operation; when a merchant's keys change
 *   (a rotation here, or announced by another instance through Redis) its sockets re-check their key
 *   at once and those whose key no longer authenticates are closed (4403); every 10 s all sockets
 *   re-check, so a key whose rotation overlap ran out is closed too.
 */
import type { Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { WebSocketServer } from 'ws';
import { useServer } from 'graphql-ws/use/ws';
import {
  GraphQLError,
  getOperationAST,
  getVariableValues,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import type { ExecutionArgs } from 'graphql';
import type { SubscribePayload } from 'graphql-ws';
import { bearerKey, type MerchantService } from '../services/merchants/merchant.service';
import type { PaymentUpdatesService } from '../services/payments/payment-updates.service';
import { countRequest, type RateLimits, type RateLimitStore } from '../rest/rate-limit';
import { formatGraphQLError } from './graphql-errors';
import type { GraphQLContext } from '../resolvers/context';
import { MAX_DOCUMENT_TOKENS } from './query-limits';
import { hideSchemaSuggestions, operationRules } from './operation-rules';
import { CLOSE_FORBIDDEN, CLOSE_TOO_MANY, SocketRegistry, type OpenSocket, type SocketLimits } from './socket-registry';

/** Distinct valid documents remembered (the oldest is forgotten first). */
const MAX_CACHED_DOCUMENTS = 500;
/**
 * How often every socket re-checks its key, for keys that end without an announcement (an overlap
 * running out, a rotation by the command line without Redis): as often as the key cache forgets
 * (10 s), so a socket outlives its key no longer than an HTTP request could use it.
 */
const KEY_RECHECK_INTERVAL_MS = 10_000;

export interface SubscriptionServerDeps {
  merchants: MerchantService;
  paymentUpdates: PaymentUpdatesService;
  rateLimitStore: RateLimitStore;
  rateLimits: RateLimits;
  socketLimits: SocketLimits & { maxOperationsPerSocket: number };
  production: boolean;
}

export function attachSubscriptionServer(httpServer: Server, schema: GraphQLSchema, deps: SubscriptionServerDeps): { dispose(): Promise<void> } {
  const wsServer = new WebSocketServer({ server: httpServer, path: '/graphql', maxPayload: 256 * 1024 });
  const registry = new SocketRegistry(deps.socketLimits);
  // Registered before graphql-ws's own listener: a socket over its address's cap is closed first thing.
  wsServer.on('connection', (socket, request) => void registry.admit(socket, request.socket.remoteAddress ?? 'unknown'));

  const prepare = documentPreparer(schema, deps.production);
  const limited = async (open: OpenSocket | undefined) =>
    countRequest(deps.rateLimitStore, deps.rateLimits, { address: open?.address, key: open?.key });

  const sockets = useServer<Record<string, unknown>, Record<string, never>>(
    {
      schema,
      onConnect: async (ctx) => {
        const open = registry.of(ctx.extra.socket);
        if (!open) return false; // over its address's cap: already being closed
        // `authorization`, as the HTTP header's name is spelt in HTTP/2; `Authorization` as many write it.
        const key = bearerKey(ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization);
        // Counted like an HTTP request, so guessing keys over sockets is as slow as over HTTP.
        const error = await countRequest(deps.rateLimitStore, deps.rateLimits, { address: open.address, key });
        if (error) {
          ctx.extra.socket.close(CLOSE_TOO_MANY, error.message); // graphql-ws's own 4403 that follows is ignored
          return false;
        }
        const auth = await deps.merchants.authenticate(key);
        if (!auth || !key) return false; // 4403
        return registry.admitKey(open, key, auth);
      },
      onSubscribe: async (ctx, _id, payload) => {
        const open = registry.of(ctx.extra.socket);
        // ctx.subscriptions already holds this operation.
        if (Object.keys(ctx.subscriptions).length > deps.socketLimits.maxOperationsPerSocket) {
          return [coded(`Too many operations on one socket (at most ${deps.socketLimits.maxOperationsPerSocket}); complete some first`, 'RATE_LIMITED')];
        }
        const rateLimited = await limited(open);
        if (rateLimited) return [new GraphQLError(rateLimited.message, { extensions: { code: rateLimited.code, ...rateLimited.publicDetails } })];
        return prepare(payload);
      },
      // Only onSubscribe's refusals come here, each made below with its code and a safe message.
      onError: (_ctx, _id, _payload, errors) => errors.map((error) => error.toJSON()),
      onNext: (_ctx, _id, _payload, _args, result) => (result.errors ? { ...result, errors: formatAll(result.errors) } : result),
      context: (ctx): GraphQLContext => ({
        auth: registry.of(ctx.extra.socket)?.auth ?? null,
        requestId: randomUUID(),
        // A socket carries no Idempotency-Key: createPayment here runs without one (HTTP has it).
        idempotencyKey: null,
        paymentUpdates: deps.paymentUpdates,
        annotate: () => undefined, // a socket has no request log line
      }),
    },
    wsServer,
  );

  // A socket whose key no longer authenticates (revoked, or its overlap over) is closed.
  const recheck = async (entries: OpenSocket[]) => {
    for (const entry of entries) {
      const auth = await deps.merchants.authenticate(entry.key).catch(() => entry.auth); // a database hiccup closes nothing
      if (!auth || auth.merchantId !== entry.auth?.merchantId || auth.scope !== entry.auth.scope) {
        entry.socket.close(CLOSE_FORBIDDEN, 'Forbidden: this key was revoked');
      }
    }
  };
  const stopListening = deps.merchants.onKeysChanged((merchantId) => void recheck(registry.socketsOf(merchantId)));
  const sweep = setInterval(() => void recheck(registry.all()), KEY_RECHECK_INTERVAL_MS);
  sweep.unref();

  return {
    dispose: async () => {
      stopListening();
      clearInterval(sweep);
      await sockets.dispose();
    },
  };
}

/**
 * Parses, validates and resolves one operation as Apollo does over HTTP, with the same codes:
 * GRAPHQL_PARSE_FAILED, GRAPHQL_VALIDATION_FAILED, PERSISTED_QUERY_NOT_SUPPORTED,
 * OPERATION_RESOLUTION_FAILURE, BAD_USER_INPUT (variables). Valid documents are remembered.
 */
function documentPreparer(schema: GraphQLSchema, production: boolean) {
  const rules = [...specifiedRules, ...operationRules({ production })];
  const validDocuments = new Map<string, DocumentNode>();

  const validDocument = (query: string): DocumentNode | GraphQLError[] => {
    const known = validDocuments.get(query);
    if (known) return known;
    let document;
    try {
      document = parse(query, { maxTokens: MAX_DOCUMENT_TOKENS });
    } catch (error) {
      return [coded((error as GraphQLError).message, 'GRAPHQL_PARSE_FAILED')];
    }
    let errors;
    try {
      errors = validate(schema, document, rules);
    } catch {
      // graphql-js 16 throws inside SingleFieldSubscriptionsRule for some directives with variables.
      return [coded('This subscription cannot be validated; remove directives with variables', 'GRAPHQL_VALIDATION_FAILED')];
    }
    if (errors.length) {
      return errors.map((error) => coded(production ? hideSchemaSuggestions(error.message) : error.message, 'GRAPHQL_VALIDATION_FAILED', error));
    }
    if (validDocuments.size >= MAX_CACHED_DOCUMENTS) validDocuments.delete(validDocuments.keys().next().value!);
    validDocuments.set(query, document);
    return document;
  };

  return (payload: SubscribePayload): ExecutionArgs | GraphQLError[] => {
    if (payload.extensions && 'persistedQuery' in payload.extensions) {
      return [coded('PersistedQueryNotSupported', 'PERSISTED_QUERY_NOT_SUPPORTED')];
    }
    if (!payload.query) return [coded('GraphQL operations must contain a non-empty `query`', 'BAD_REQUEST')];
    const document = validDocument(payload.query);
    if (Array.isArray(document)) return document;
    const operation: OperationDefinitionNode | null | undefined = getOperationAST(document, payload.operationName);
    if (!operation) {
      const message = payload.operationName ? `Unknown operation named "${payload.operationName}".` : 'Must provide operation name if query contains multiple operations.';
      return [coded(message, 'OPERATION_RESOLUTION_FAILURE')];
    }
    const variables = payload.variables ?? {};
    if (typeof variables !== 'object' || Array.isArray(variables)) return [coded('Variables must be an object', 'BAD_REQUEST')];
    const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables, { maxErrors: 20 });
    if (coerced.errors) return coerced.errors.map((error) => coded(error.message, 'BAD_USER_INPUT', error));
    return { schema, document, variableValues: variables, operationName: payload.operationName };
  };
}

function coded(message: string, code: string, like?: GraphQLError): GraphQLError {
  return new GraphQLError(message, { nodes: like?.nodes, extensions: { code } });
}

const formatAll = (errors: readonly GraphQLError[]) => errors.map((error) => formatGraphQLError(error.toJSON(), error));
