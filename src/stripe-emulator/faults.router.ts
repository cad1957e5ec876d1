import express, { Router } from 'express';
import { FaultState, parseFaultsPatch } from './faults';

/**
 * `/__emulator/faults`: read, change (any subset, validated) or reset the injected faults.
 * Not part of Stripe's API, hence outside /v1 and without an API key.
 */
export function createFaultsRouter(faults: FaultState, log: (line: string) => void): Router {
  const router = Router();
  router.use(express.json({ limit: '16kb' }));

  router.get('/', (_req, res) => {
    res.json(faults.get());
  });

  router.post('/', (req, res) => {
    let patch;
    try {
      patch = parseFaultsPatch(req.body ?? {});
    } catch (err) {
      res.status(400).json({ error: { message: `Invalid faults: ${(err as Error).message}` } });
      return;
    }
    faults.set(patch);
    log(`faults set: ${JSON.stringify(faults.get())}`);
    res.json(faults.get());
  });

  router.delete('/', (_req, res) => {
    faults.reset();
    log('faults reset');
    res.json(faults.get());
  });

  return router;
}
