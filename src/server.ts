/**
 * Builds the HTTP side of the gateway on one http.Server: Express for REST, Apollo for GraphQL over
 * HTTP. Used by index.ts (the composition root) and by the integration tests; it builds no services.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import express, { type RequestHandler } from 'express';
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { Config } from './config';
import type { Orm } from './orm';
import type { Logger } from './logger';
import { WebSocketServer } from 'ws';
import { useServer } from 'graphql-ws/use/ws';
import type { PaymentService } from './services/payments/payment.service';
import type { ProviderSyncService } from './services/payments/provider-sync.service';
import type { PaymentUpdatesService } from './services/payments/payment-updates.service';
import type { ProviderWebhooks } from './domain/payment-provider';
import { bearerKey, type MerchantAuth, type MerchantService } from './services/merchants/merchant.service';
import { buildGatewaySchema } from './resolvers/build-schema';
import { PaymentResolver } from './resolvers/payment.resolver';
import { PaymentUpdatedResolver } from './resolvers/payment-updated.resolver';
import type { GraphQLContext } from './resolvers/context';
import { errorReportingPlugin, formatGraphQLError } from './resolvers/graphql-errors';
import { paymentsRouter } from './rest/payments.router';
import { healthRouter } from './rest/health.router';
import { stripeWebhookRouter } from './rest/stripe-webhook.router';
import { returnRouter } from './rest/return.router';
import { restErrorHandler, sendError } from './rest/http-errors';

export interface GatewayServerDeps {
  config: Pick<Config, 'nodeEnv'>;
  orm: Orm;
  logger: Logger;
  payments: PaymentService;
  merchants: MerchantService;
  sync: ProviderSyncService;
  webhooks: ProviderWebhooks;
  paymentUpdates: PaymentUpdatesService;
}

export interface GatewayServer {
  httpServer: Server;
  listen(port: number, host?: string): Promise<AddressInfo>;
  close(): Promise<void>;
}

/** Accepts a caller's X-Request-Id when it looks like one, else makes one; echoes it back. */
const requestId: RequestHandler = (req, res, next) => {
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && /^[\w.:-]{1,100}$/.test(given) ? given : randomUUID();
  res.locals.requestId = id;
  res.setHeader('X-Request-Id', id);
  next();
};

export async function createGatewayServer(deps: GatewayServerDeps): Promise<GatewayServer> {
  const { logger } = deps;
  const app = express();
  app.disable('x-powered-by');
  const httpServer = createServer(app);

  const resolvers = new Map<Function, unknown>([
    [PaymentResolver, new PaymentResolver(deps.payments)],
    [PaymentUpdatedResolver, new PaymentUpdatedResolver()],
  ]);
  const schema = await buildGatewaySchema({ get: (someClass) => resolvers.get(someClass) });
  const production = deps.config.nodeEnv === 'production';

  // paymentUpdated over graphql-ws, on the same server and path as GraphQL over HTTP. A socket
  // without a valid key in its connection_init payload is closed (4403) before any operation.
  const wsServer = new WebSocketServer({ server: httpServer, path: '/graphql' });
  const sockets = useServer<Record<string, unknown>, { auth?: MerchantAuth }>(
    {
      schema,
      onConnect: async (ctx) => {
        const auth = await deps.merchants.authenticate(bearerKey(ctx.connectionParams?.authorization));
        if (!auth) return false;
        ctx.extra.auth = auth;
        return true;
      },
      // The same error rendering as over HTTP: codes kept, the unexpected masked.
      onError: (_ctx, _id, _payload, errors) => errors.map((error) => formatGraphQLError(error.toJSON(), error)),
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors ? { ...result, errors: result.errors.map((error) => formatGraphQLError(error.toJSON(), error)) } : result,
      context: (ctx): GraphQLContext => ({
        auth: ctx.extra.auth ?? null,
        requestId: randomUUID(),
        idempotencyKey: null,
        paymentUpdates: deps.paymentUpdates,
      }),
    },
    wsServer,
  );
  const apollo = new ApolloServer<GraphQLContext>({
    schema,
    introspection: !production,
    includeStacktraceInErrorResponses: false,
    formatError: formatGraphQLError,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      { serverWillStart: async () => ({ drainServer: async () => void (await sockets.dispose()) }) },
      errorReportingPlugin(logger.child({ module: 'graphql' })),
      ...(production ? [ApolloServerPluginLandingPageDisabled()] : []),
    ],
  });
  await apollo.start();

  app.use(requestId);
  app.use(healthRouter(deps.orm));
  // The webhook router parses its own raw body, so it must come before any JSON parser.
  app.use('/api/v1', stripeWebhookRouter(deps.webhooks, deps.sync));
  app.use('/api/v1', returnRouter(deps.sync));
  app.use('/api/v1', paymentsRouter(deps.payments, deps.merchants));
  app.use(
    '/graphql',
    express.json({ limit: '256kb' }),
    expressMiddleware(apollo, {
      context: async ({ req, res }) => ({
        auth: await deps.merchants.authenticate(bearerKey(req.headers.authorization)),
        requestId: res.locals.requestId as string,
        // Only createPayment reads it; a header given as a list is refused there, not guessed at.
        idempotencyKey: (req.headers['idempotency-key'] as string | undefined) ?? null,
        paymentUpdates: deps.paymentUpdates,
      }),
    }),
  );
  app.use((_req, res) => sendError(res, 404, { code: 'BAD_USER_INPUT', message: 'No such route' }));
  app.use(restErrorHandler(logger.child({ module: 'rest' })));

  return {
    httpServer,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => resolve(httpServer.address() as AddressInfo));
      }),
    close: async () => {
      await apollo.stop(); // drains in-flight HTTP requests, then closes the server
      if (httpServer.listening) await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}
