/**
 * Builds the HTTP side of the gateway on one http.Server: Express for REST, Apollo for GraphQL over
 * HTTP. Used by index.ts (the composition root) and by the integration tests; it builds no services.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { Config } from './config';
import type { Orm } from './orm';
import type { Logger } from './logger';
import type { PaymentService } from './services/payments/payment.service';
import type { PaymentFlows } from './services/payments/payment-flows';
import type { PaymentUpdatesService } from './services/payments/payment-updates.service';
import type { ProviderWebhooks } from './domain/payment-provider';
import { bearerKey, type MerchantService } from './services/merchants/merchant.service';
import { buildGatewaySchema } from './graphql/build-schema';
import { PaymentResolver } from './resolvers/payment.resolver';
import { PaymentUpdatedResolver } from './resolvers/payment-updated.resolver';
import type { GraphQLContext } from './resolvers/context';
import { errorReportingPlugin, formatGraphQLError } from './graphql/graphql-errors';
import { attachSubscriptionServer } from './graphql/subscription-server';
import { MAX_DOCUMENT_TOKENS } from './graphql/query-limits';
import { noSubscriptionsOverHttp, operationRules, refuseHttpSubscriptions } from './graphql/operation-rules';
import { rateLimit, type RateLimitStore, type RateLimits } from './rest/rate-limit';
import helmet from 'helmet';
import type { GatewayMetrics } from './telemetry/metrics';
import { requestTelemetry } from './rest/request-telemetry';
import { noteAuth, noteOperation, notePaymentRef, requestContext, requestIdOf } from './telemetry/request-context';
import { metricsRouter } from './rest/metrics.router';
import { openApiRouter } from './rest/openapi';
import { createGraphiqlRouter } from './web/graphiql.router';
import { createDemoShopRouter, type DemoShopOptions } from './web/demo-shop.router';
import { paymentsRouter } from './rest/payments.router';
import { healthRouter, type DependencyCheck } from './rest/health.router';
import { stripeWebhookRouter } from './rest/stripe-webhook.router';
import { returnRouter } from './rest/return.router';
import { restErrorHandler, sendError, sendGraphQLError } from './rest/http-errors';
import { cors } from './rest/cors';

export interface GatewayServerDeps {
  config: Pick<Config, 'nodeEnv' | 'webSocketLimits' | 'corsAllowedOrigins'>;
  orm: Orm;
  logger: Logger;
  payments: PaymentService;
  merchants: MerchantService;
  /** The flows the webhook and the customer's browser start. */
  paymentFlows: Pick<PaymentFlows, 'applyProviderEvent' | 'customerReturn' | 'customerCancel'>;
  webhooks: ProviderWebhooks;
  paymentUpdates: PaymentUpdatesService;
  rateLimitStore: RateLimitStore;
  /** `redirectsPerIpPerMinute`: the customer's return and cancel links, in buckets of their own. */
  rateLimits: RateLimits & { redirectsPerIpPerMinute: number };
  metrics: GatewayMetrics;
  /** Bearer token for GET /metrics; without one, /metrics answers only on the loopback address. */
  metricsToken: string | undefined;
  /**
   * How long close() lets in-flight HTTP requests finish before it cuts their connections (default
   * 10 s). Open WebSockets are closed at once with 1001 (going away): clients reconnect elsewhere.
   */
  drainGraceMs?: number;
  /** Readiness checks besides the database (Redis, when configured); see rest/health.router.ts. */
  dependencyChecks?: DependencyCheck[];
  /** Sandbox mode: the demo shop at `/` with the demo merchant's keys; absent or null: no shop. */
  demoShop?: DemoShopOptions | null;
}

export interface GatewayServer {
  httpServer: Server;
  listen(port: number, host?: string): Promise<AddressInfo>;
  close(): Promise<void>;
}

export async function createGatewayServer(deps: GatewayServerDeps): Promise<GatewayServer> {
  const { logger } = deps;
  const app = express();
  app.disable('x-powered-by');
  // Security headers for every answer; the pages served here set their own content policy.
  app.use(helmet({ contentSecurityPolicy: false, crossOriginEmbedderPolicy: false }));
  const httpServer = createServer(app);
  // A client that trickles its headers or body is cut off instead of holding a socket for ever.
  httpServer.headersTimeout = 15_000;
  httpServer.requestTimeout = 60_000;

  const resolvers = new Map<Function, unknown>([
    [PaymentResolver, new PaymentResolver(deps.payments)],
    [PaymentUpdatedResolver, new PaymentUpdatedResolver()],
  ]);
  const schema = await buildGatewaySchema({ get: (someClass) => resolvers.get(someClass) });
  const production = deps.config.nodeEnv === 'production';

  const sockets = attachSubscriptionServer(httpServer, schema, {
    merchants: deps.merchants,
    paymentUpdates: deps.paymentUpdates,
    rateLimitStore: deps.rateLimitStore,
    rateLimits: deps.rateLimits,
    socketLimits: deps.config.webSocketLimits,
    production,
  });
  const apollo = new ApolloServer<GraphQLContext>({
    schema,
    // Introspection is refused in production by operationRules, the same list the WebSocket door uses.
    introspection: true,
    includeStacktraceInErrorResponses: false,
    // Without introspection, "did you mean …?" hints would give the schema away field by field.
    hideSchemaDetailsFromClientErrors: production,
    validationRules: [...operationRules({ production }), noSubscriptionsOverHttp],
    // Automatic persisted queries are not offered: their hash errors would be one more path to mask.
    persistedQueries: false,
    parseOptions: { maxTokens: MAX_DOCUMENT_TOKENS },
    allowBatchedHttpRequests: false,
    // A request carrying one of these headers cannot have been sent by a plain form or <img> of
    // another site: a browser preflights it. Apollo's own two, plus Authorization, which every
    // keyed call carries, so GET queries from urql, graphql-request or curl need nothing extra.
    csrfPrevention: { requestHeaders: ['x-apollo-operation-name', 'apollo-require-preflight', 'authorization'] },
    formatError: formatGraphQLError,
    // The gateway owns SIGTERM/SIGINT (src/index.ts main). Apollo's own handler, on by default outside
    // NODE_ENV=test, raced it: both called apollo.stop(), and a second stop() during the first waits on a
    // barrier Apollo 5 never resolves on success, so the gateway's shutdown hung with the port closed.
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: deps.drainGraceMs ?? 10_000 }),
      { serverWillStart: async () => ({ drainServer: () => sockets.dispose() }) },
      errorReportingPlugin(logger.child({ module: 'graphql' })),
      // Apollo's landing page loads from a CDN; GraphiQL is served from this server instead.
      ApolloServerPluginLandingPageDisabled(),
    ],
  });
  await apollo.start();

  type RenderRateLimited = Parameters<typeof rateLimit>[2];
  const limited = (render: RenderRateLimited, limits: RateLimits = deps.rateLimits) => rateLimit(deps.rateLimitStore, limits, render);
  const asRest: RenderRateLimited = (res, error) => sendError(res, 429, { code: error.code, message: error.message, ...error.publicDetails });
  const restLimit = limited(asRest);
  const graphqlLimit = limited((res, error) => sendGraphQLError(res, 429, { code: error.code, message: error.message, ...error.publicDetails }));

  app.use(requestContext);
  // Once the drain has begun, a request arriving on a keep-alive connection opened before is not
  // taken: the drain ends each connection when its last answer is out, so work done for such a
  // request (a payment made) could lose its answer. Refused untouched, it is safe to send again.
  let draining = false;
  app.use((req, res, next) => {
    if (!draining) return next();
    res.setHeader('Connection', 'close');
    const refusal = { code: 'SHUTTING_DOWN' as const, message: 'This instance is shutting down; nothing was done: send the request again' };
    if (req.path.startsWith('/graphql')) sendGraphQLError(res, 503, refusal);
    else sendError(res, 503, refusal);
  });
  app.use(requestTelemetry(logger, deps.metrics));
  // Before every router, so preflights are answered; only these paths take part (not the webhook,
  // not the customer's return/cancel redirects).
  app.use(cors({ allowedOrigins: deps.config.corsAllowedOrigins, paths: ['/graphql', '/api/v1/payment', '/api/v1/payment/expire'] }));
  app.use(healthRouter(deps.orm, deps.dependencyChecks ?? []));
  app.use(metricsRouter(deps.metrics, deps.metricsToken));
  // The webhook router parses its own raw body, so it must come before any JSON parser. Webhooks are
  // not rate limited (only Stripe can sign them, and it retries on its own terms). The customer's
  // redirects carry no key: they are limited per address, in buckets apart from the API's, so a
  // busy shop's API calls never hold its customers' returns back.
  app.use('/api/v1', stripeWebhookRouter(deps.webhooks, deps.paymentFlows.applyProviderEvent, deps.metrics));
  const redirectsPerMinute = deps.rateLimits.redirectsPerIpPerMinute;
  const redirectLimit = limited(asRest, { perKeyPerMinute: redirectsPerMinute, perIpPerMinute: redirectsPerMinute, scope: 'redirect:' });
  app.use('/api/v1', returnRouter(deps.paymentFlows, redirectLimit));
  app.use('/api/v1', openApiRouter());
  app.use('/api/v1', restLimit, paymentsRouter(deps.payments, deps.merchants));
  // Browsers get GraphiQL (served offline from our own bundle) at /graphql outside production;
  // GraphQL clients (POST, JSON GET) fall through to Apollo.
  if (!production) app.use(createGraphiqlRouter({ endpointPath: '/graphql' }));
  if (deps.demoShop) app.use(createDemoShopRouter(deps.demoShop));
  app.use(
    '/graphql',
    graphqlLimit,
    express.json({ limit: '256kb' }),
    refuseHttpSubscriptions,
    expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        const auth = await deps.merchants.authenticate(bearerKey(req.headers.authorization));
        noteAuth(res, auth);
        return {
          auth,
          requestId: requestIdOf(res) as string,
          // Only createPayment reads it; a header given as a list is refused there, not guessed at.
          idempotencyKey: (req.headers['idempotency-key'] as string | undefined) ?? null,
          paymentUpdates: deps.paymentUpdates,
          annotate: (fields) => {
            if ('operationName' in fields) noteOperation(res, fields.operationName);
            if ('paymentRef' in fields) notePaymentRef(res, fields.paymentRef);
          },
        };
      },
    }),
  );
  app.use((_req, res) => sendError(res, 404, { code: 'NOT_FOUND', message: 'No such route' }));
  app.use(restErrorHandler(logger.child({ module: 'rest' })));

  // One stop shared by every caller: a second apollo.stop() while the first drains would never return.
  let closing: Promise<void> | null = null;
  return {
    httpServer,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => resolve(httpServer.address() as AddressInfo));
      }),
    close: () =>
      (closing ??= (async () => {
        draining = true;
        // Stops accepting, closes idle keep-alive connections and WebSockets (1001), lets in-flight
        // requests finish within the drain grace, then cuts what is left.
        await apollo.stop();
        if (httpServer.listening) await new Promise<void>((resolve) => httpServer.close(() => resolve()));
      })()),
  };
}
