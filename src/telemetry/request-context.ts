/**
 * The request a piece of work belongs to, carried through async calls (AsyncLocalStorage), so that
 * every log line written while serving a request, down in the services, names its request id.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { RequestHandler } from 'express';

const storage = new AsyncLocalStorage<{ requestId: string }>();

/** For the logger's mixin: the current request's id, or nothing outside a request. */
export function currentRequestFields(): { requestId?: string } {
  return storage.getStore() ?? {};
}

/** Runs the rest of the request inside its context; mount right after the request id is known. */
export const requestContext: RequestHandler = (_req, res, next) => {
  storage.run({ requestId: res.locals.requestId as string }, next);
};
