import { Router } from 'express';
import { isDatabaseReachable, type Orm } from '../orm';

/** Liveness says the process answers; readiness says it can do its work (the database answers). */
export function healthRouter(orm: Orm): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const database = await isDatabaseReachable(orm);
    res.status(database ? 200 : 503).json({ status: database ? 'ready' : 'unavailable', database });
  });
  return router;
}
