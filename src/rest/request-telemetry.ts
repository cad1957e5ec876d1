/**
 * One log line and one metric per HTTP request. The line carries the request id, the merchant, the
 * GraphQL operation and the payment ref when the request touched one, the status and the duration:
 * what a merchant's engineer greps for "what happened to payment X". Doors note them in the request's
 * context (telemetry/request-context.ts) as they learn them. No header is logged at all.
 *
 * Written by hand rather than with pino-http: the bench profiled pino-http's per-request child
 * logger and serializer wrapping at about a tenth of a cheap request's CPU, for this one line.
 */
import type { Request, RequestHandler, Response } from 'express';
import type { Logger } from '../logger';
import type { GatewayMetrics } from '../telemetry/metrics';
import { requestContextOf } from '../telemetry/request-context';

export function requestTelemetry(logger: Logger, metrics: GatewayMetrics): RequestHandler {
  const log = logger.child({ module: 'http' });
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
    res.once('finish', () => {
      const elapsed = seconds();
      metrics.httpRequest(req.method, routeOf(req, res), res.statusCode, elapsed);
      if (res.statusCode >= 500) log.error(accessFields(req, res, elapsed), 'request errored');
      else log.info(accessFields(req, res, elapsed), 'request completed');
    });
    res.once('close', () => {
      if (!res.writableFinished) log.warn(accessFields(req, res, seconds()), 'request aborted');
    });
    next();
  };
}

function accessFields(req: Request, res: Response, seconds: number) {
  const context = requestContextOf(res);
  return {
    reqId: context?.requestId,
    req: { method: req.method, url: req.originalUrl.split('?')[0] },
    res: { statusCode: res.statusCode },
    responseTime: Math.round(seconds * 1000),
    merchantId: context?.auth?.merchantId,
    operationName: context?.operationName,
    paymentRef: context?.paymentRef,
  };
}

/** The metric's route label: the GraphQL operation, the matched route, or the router it reached. */
function routeOf(req: Request, res: Response): string {
  const operationName = requestContextOf(res)?.operationName;
  if (operationName) return `graphql:${operationName}`;
  if (req.route) return `${req.baseUrl}${req.route.path}`;
  return req.baseUrl || 'unmatched';
}
