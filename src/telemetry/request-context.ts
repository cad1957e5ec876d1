/**
 * What the gateway learns about one HTTP request while serving it, in one typed object: its id, the
 * merchant whose key it carried, the payment it touched, the GraphQL operation it ran. Made once per
 * request by `requestContext` (the first middleware after the security headers), filled by the doors
 * through the `note…` functions below as they learn things, read by the access log
 * (rest/request-telemetry.ts) and the error renderers. Nothing else carries these fields: Express's
 * untyped `res.locals` is not used.
 *
 * The same object is carried through async calls (AsyncLocalStorage), so that every log line written
 * while serving a request, down in the services, names its request id.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import type { MerchantAuth } from '../services/merchants/merchant.service';

export interface RequestContext {
  /** The caller's X-Request-Id when it looks like one, else one made here; echoed back. */
  readonly requestId: string;
  /** The caller's merchant, once its key was checked. */
  auth: MerchantAuth | null;
  /** The payment the request touched, for "what happened to payment X". */
  paymentRef: string | undefined;
  /** The GraphQL operation the request ran: the metric's route label and the log line's. */
  operationName: string | undefined;
}

const storage = new AsyncLocalStorage<RequestContext>();
const contexts = new WeakMap<Response, RequestContext>();

/** For the logger's mixin: the current request's id, or nothing outside a request. */
export function currentRequestFields(): { requestId?: string } {
  const context = storage.getStore();
  return context ? { requestId: context.requestId } : {};
}

/** Makes the request's context (and its id) and runs the rest of the request inside it. */
export const requestContext: RequestHandler = (req, res, next) => {
  const given = req.headers['x-request-id'];
  const requestId = typeof given === 'string' && /^[\w.:-]{1,100}$/.test(given) ? given : randomUUID();
  res.setHeader('X-Request-Id', requestId);
  const context: RequestContext = { requestId, auth: null, paymentRef: undefined, operationName: undefined };
  contexts.set(res, context);
  storage.run(context, next);
};

/** The request's context; undefined only for an answer given before `requestContext` ran. */
export function requestContextOf(res: Response): RequestContext | undefined {
  return contexts.get(res);
}

export function requestIdOf(res: Response): string | undefined {
  return contexts.get(res)?.requestId;
}

export function noteAuth(res: Response, auth: MerchantAuth | null): void {
  const context = contexts.get(res);
  if (context) context.auth = auth;
}

/** `ifUnknown`: only when no door named a payment yet (an error naming one, after the fact). */
export function notePaymentRef(res: Response, ref: string | undefined, options: { ifUnknown?: boolean } = {}): void {
  const context = contexts.get(res);
  if (context && !(options.ifUnknown && context.paymentRef !== undefined)) context.paymentRef = ref;
}

export function noteOperation(res: Response, operationName: string | undefined): void {
  const context = contexts.get(res);
  if (context) context.operationName = operationName;
}
