/**
 * GET /metrics for Prometheus. With METRICS_TOKEN set it needs `Authorization: Bearer <token>`;
 * without, it answers only to the loopback address (a scraper on the same host or a sidecar), so a
 * gateway on the internet never shows its internals by default.
 */
import { timingSafeEqual } from 'node:crypto';
import { Router } from 'express';
import type { GatewayMetrics } from '../telemetry/metrics';
import { bearerKey } from '../services/merchants/merchant.service';
import { sendError } from './http-errors';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

export function metricsRouter(metrics: GatewayMetrics, token: string | undefined): Router {
  const router = Router();
  router.get('/metrics', async (req, res) => {
    const allowed = token ? sameSecret(bearerKey(req.headers.authorization), token) : LOOPBACK.has(req.socket.remoteAddress ?? '');
    if (!allowed) return sendError(res, token ? 401 : 403, { code: token ? 'UNAUTHENTICATED' : 'FORBIDDEN', message: 'Metrics are not public' });
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  return router;
}

function sameSecret(given: string | undefined, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
