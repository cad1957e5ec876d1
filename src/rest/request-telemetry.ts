/**
 * One log line and one metric per HTTP request. The line (pino-http) carries the request id, the
 * merchant, the GraphQL operation and the payment ref when the request touched one, the status and
 * the duration: what a merchant's engineer greps for "what happened to payment X". Doors fill
 * res.locals (auth, paymentRef, operationName) as they learn them. No header is logged at all.
 */
import type { RequestHandler } from 'express';
import { pinoHttp } from 'pino-http';
import type { Logger } from '../logger';
import type { GatewayMetrics } from '../telemetry/metrics';

export function requestTelemetry(logger: Logger, metrics: GatewayMetrics): RequestHandler[] {
  const log = pinoHttp({
    logger: logger.child({ module: 'http' }),
    genReqId: (_req, res) => (res as unknown as { locals: { requestId: string } }).locals.requestId,
    quietReqLogger: true,
    serializers: {
      req: (req: { method: string; url: string }) => ({ method: req.method, url: req.url.split('?')[0] }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    customProps: (_req, res) => {
      const locals = (res as unknown as { locals: Record<string, any> }).locals;
      return {
        merchantId: locals.auth?.merchantId,
        operationName: locals.operationName,
        paymentRef: locals.paymentRef,
      };
    },
    customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : 'info'),
  });

  const measure: RequestHandler = (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const route = res.locals.operationName
        ? `graphql:${res.locals.operationName}`
        : req.route
          ? `${req.baseUrl}${req.route.path}`
          : req.baseUrl || 'unmatched';
      metrics.httpRequest(req.method, route, res.statusCode, Number(process.hrtime.bigint() - started) / 1e9);
    });
    next();
  };
  return [log, measure];
}
