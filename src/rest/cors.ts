/**
 * CORS for a shop's own pages calling the gateway with its publishable key (CORS_ALLOWED_ORIGINS).
 *
 * Only listed origins get CORS headers, and only on the routes a browser page has a use for
 * (`/graphql` and the REST payment routes); the Stripe webhook and the customer's return/cancel
 * redirects are never offered. Keys travel as `Authorization` headers, never cookies, so no
 * credentials are allowed: a page can only use a key it already holds. With no origin configured,
 * nothing is added and browsers keep their same-origin rule.
 */
import type { RequestHandler } from 'express';

const CORS_ALLOWED_METHODS = 'GET, POST';
const CORS_ALLOWED_HEADERS = 'authorization, content-type, idempotency-key, apollo-require-preflight, x-apollo-operation-name';
/** What a page may read of an answer beyond the simple headers: the id to quote, and when to retry. */
const CORS_EXPOSED_HEADERS = 'X-Request-Id, Retry-After';
/** How long a browser may reuse a preflight answer (s): short, so a removed origin stops soon. */
const CORS_MAX_AGE_SECONDS = 600;

export interface CorsOptions {
  allowedOrigins: readonly string[];
  /** Exact request paths that take part in CORS. */
  paths: readonly string[];
}

export function cors({ allowedOrigins, paths }: CorsOptions): RequestHandler {
  const origins = new Set(allowedOrigins);
  const covered = new Set(paths);
  return (req, res, next) => {
    if (origins.size === 0 || !covered.has(req.path)) return next();
    // The answer differs by Origin: a shared cache must not hand one origin's answer to another.
    res.vary('Origin');
    const origin = req.headers.origin;
    const allowed = typeof origin === 'string' && origins.has(origin);
    const preflight = req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
    if (allowed) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      if (!preflight) res.setHeader('Access-Control-Expose-Headers', CORS_EXPOSED_HEADERS);
    }
    if (!preflight) return next();
    // A preflight is answered here, allowed or not: without the Allow-* headers the browser refuses.
    if (allowed) {
      res.setHeader('Access-Control-Allow-Methods', CORS_ALLOWED_METHODS);
      res.setHeader('Access-Control-Allow-Headers', CORS_ALLOWED_HEADERS);
      res.setHeader('Access-Control-Max-Age', String(CORS_MAX_AGE_SECONDS));
    }
    res.status(204).end();
  };
}
