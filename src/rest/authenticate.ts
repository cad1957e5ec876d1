import type { RequestHandler } from 'express';
import { bearerKey, type MerchantAuth, type MerchantService } from '../services/merchants/merchant.service';
import { authorize, type Operation } from '../services/merchants/access-policy';

/**
 * Resolves `Authorization: Bearer <key>` into res.locals.auth, when the access policy lets that key
 * run the route's operation: a missing or unknown key is 401, a key of the wrong scope 403.
 */
export function requireMerchant(merchants: MerchantService, operation: Operation): RequestHandler {
  return async (req, res, next) => {
    res.locals.auth = authorize(await merchants.authenticate(bearerKey(req.headers.authorization)), operation);
    next();
  };
}

export function authOf(locals: Record<string, unknown>): MerchantAuth {
  return locals.auth as MerchantAuth;
}
