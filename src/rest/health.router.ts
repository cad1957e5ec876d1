import { Router } from 'express';
import { isDatabaseReachable, type Orm } from '../orm';

/** A dependency besides the database that /readyz reports (Redis, when configured). */
export interface DependencyCheck {
  name: string;
  /** Resolves true when the dependency answers; must answer quickly and never throw. */
  isUp(): Promise<boolean>;
}

/**
 * Liveness says the process answers; readiness says it can do its work. Without the database it
 * cannot: 503. Without Redis it can, degraded (rate limits counted per instance, updates heard only
 * by subscribers on the instance that made them): 200 with `status: "degraded"`. Every instance
 * shares the one Redis, so failing readiness on it would take every instance out of the load
 * balancer at once, a total outage instead of a degraded service.
 */
export function healthRouter(orm: Orm, dependencies: DependencyCheck[] = []): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const [database, ...others] = await Promise.all([isDatabaseReachable(orm), ...dependencies.map((dependency) => dependency.isUp())]);
    const checks: Record<string, 'up' | 'down'> = { database: database ? 'up' : 'down' };
    dependencies.forEach((dependency, i) => (checks[dependency.name] = others[i] ? 'up' : 'down'));
    const status = !database ? 'unavailable' : others.every(Boolean) ? 'ready' : 'degraded';
    res.status(database ? 200 : 503).json({ status, database, checks });
  });
  return router;
}
