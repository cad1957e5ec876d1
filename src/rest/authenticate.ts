import type { RequestHandler } from 'express';
import { ForbiddenError, UnauthenticatedError } from '../domain/errors';
import { bearerKey, type MerchantAuth, type MerchantService } from '../services/merchants/merchant.service';

/** Resolves `Authorization: Bearer <key>` into res.locals.auth; a missing or unknown key is 401. */
export function requireMerchant(merchants: MerchantService, scope: 'ANY' | 'SECRET'): RequestHandler {
  return async (req, res, next) => {
    const auth = await merchants.authenticate(bearerKey(req.headers.authorization));
    if (!auth) throw new UnauthenticatedError();
    if (scope === 'SECRET' && auth.scope !== 'SECRET') throw new ForbiddenError('This route needs the secret key');
    res.locals.auth = auth;
    next();
  };
}

export function authOf(locals: Record<string, unknown>): MerchantAuth {
  return locals.auth as MerchantAuth;
}
