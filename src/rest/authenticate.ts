import type { RequestHandler, Response } from 'express';
import { UnauthenticatedError } from '../domain/errors';
import { noteAuth, requestContextOf } from '../telemetry/request-context';
import { bearerKey, type MerchantAuth, type MerchantService } from '../services/merchants/merchant.service';
import { authorize, type Operation } from '../services/merchants/access-policy';

/**
 * Resolves `Authorization: Bearer <key>` into the request's context (`authOf`), when the access policy lets that key
 * run the route's operation: a missing or unknown key is 401, a key of the wrong scope 403.
 */
export function requireMerchant(merchants: MerchantService, operation: Operation): RequestHandler {
  return async (req, res, next) => {
    noteAuth(res, authorize(await merchants.authenticate(bearerKey(req.headers.authorization)), operation));
    next();
  };
}

/** The caller that `requireMerchant` let through. */
export function authOf(res: Response): MerchantAuth {
  const auth = requestContextOf(res)?.auth;
  if (!auth) throw new UnauthenticatedError(); // a route without requireMerchant: a wiring mistake, refused
  return auth;
}
