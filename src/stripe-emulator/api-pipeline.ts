import type { NextFunction, Request, Response } from 'express';
import type { FaultState } from './faults';
import { FormParams, canonicalParams, parseForm } from './form-params';
import type { IdempotencyStore, StoredResponse } from './idempotency.store';
import { newRequestId } from './ids';
import { StripeApiError } from './stripe-error';

/** What every /v1 handler knows about the request it serves. */
export interface ApiContext {
  apiKey: string;
  requestId: string;
  apiVersion: string;
  idempotencyKey: string | null;
}

export interface ApiResult {
  status?: number;
  body: unknown;
}

export type ApiHandler = (ctx: ApiContext, params: FormParams, req: Request) => ApiResult;

export interface PipelineDeps {
  /** When set, the only secret key accepted; otherwise any `sk_test_…` key. */
  apiKey?: string;
  faults: FaultState;
  idempotency: IdempotencyStore;
  /** Stripe-Version used when a request names none. */
  defaultApiVersion: string;
}

const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

/**
 * Runs one /v1 request the way Stripe's front door does: authenticate, consult the idempotency
 * layer (POST only), wait out the latency fault, maybe fail at random before touching any state,
 * then execute and store the answer for the key.
 */
export function createPipeline(deps: PipelineDeps) {
  const authenticate = (req: Request, res: Response, next: NextFunction): void => {
    const requestId = newRequestId();
    res.locals.requestId = requestId;
    res.set('Request-Id', requestId);
    const key = readApiKey(req.get('authorization'));
    if (key === null) {
      send(res, new StripeApiError(401, 'invalid_request_error',
        "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/."));
      return;
    }
    const accepted = deps.apiKey !== undefined ? key === deps.apiKey : /^sk_test_[A-Za-z0-9_]+$/.test(key);
    if (!accepted) {
      send(res, new StripeApiError(401, 'invalid_request_error', `Invalid API Key provided: ${maskKey(key)}`));
      return;
    }
    res.locals.apiKey = key;
    next();
  };

  const handle = (handler: ApiHandler) => async (req: Request, res: Response): Promise<void> => {
    const mutating = req.method === 'POST';
    const ctx: ApiContext = {
      apiKey: res.locals.apiKey as string,
      requestId: res.locals.requestId as string,
      apiVersion: req.get('stripe-version') ?? deps.defaultApiVersion,
      idempotencyKey: mutating ? req.get('idempotency-key') ?? null : null,
    };
    res.set('Stripe-Version', ctx.apiVersion);
    const params = mutating ? parseForm(typeof req.body === 'string' ? req.body : '') : (req.query as FormParams);
    const key = ctx.idempotencyKey;
    if (key !== null) {
      res.set('Idempotency-Key', key);
      if (key.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
        await latency();
        send(res, new StripeApiError(400, 'invalid_request_error',
          `Idempotency-Key must be at most ${MAX_IDEMPOTENCY_KEY_LENGTH} characters long.`));
        return;
      }
      const endpoint = `${req.method} ${req.baseUrl}${req.path}`;
      const outcome = deps.idempotency.begin(ctx.apiKey, key, endpoint, canonicalParams(params));
      if (outcome.kind !== 'new') {
        await latency();
        if (outcome.kind === 'replay') {
          res.set('Idempotent-Replayed', 'true');
          sendStored(res, outcome.response);
        } else {
          send(res, idempotencyError(outcome, key, endpoint));
        }
        return;
      }
    }

    await latency();
    const fault = rollApiFault();
    if (fault) {
      if (key !== null) deps.idempotency.abandon(ctx.apiKey, key);
      send(res, fault);
      return;
    }

    let stored: StoredResponse;
    let storable = true;
    try {
      const result = handler(ctx, params, req);
      stored = { status: result.status ?? 200, body: JSON.stringify(result.body, null, 2) };
    } catch (err) {
      const error = err instanceof StripeApiError ? err : internalError(err);
      storable = err instanceof StripeApiError && error.storable;
      stored = { status: error.status, body: JSON.stringify(error.toBody(), null, 2) };
    }
    if (key !== null) {
      if (storable) deps.idempotency.finish(ctx.apiKey, key, stored);
      else deps.idempotency.abandon(ctx.apiKey, key);
    }
    sendStored(res, stored);
  };

  const latency = (): Promise<void> => {
    const ms = deps.faults.get().apiLatencyMs;
    return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
  };

  const rollApiFault = (): StripeApiError | null => {
    if (!deps.faults.roll(deps.faults.get().apiErrorRate)) return null;
    if (Math.random() < 0.5) {
      return new StripeApiError(500, 'api_error',
        'An unknown error occurred while processing your request. (Injected by the emulator: apiErrorRate.)');
    }
    return new StripeApiError(429, 'invalid_request_error',
      'Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits. (Injected by the emulator: apiErrorRate.)',
      { code: 'rate_limit', headers: { 'Retry-After': '1' } });
  };

  return { authenticate, handle };
}

export function send(res: Response, error: StripeApiError): void {
  for (const [name, value] of Object.entries(error.headers)) res.set(name, value);
  sendStored(res, { status: error.status, body: JSON.stringify(error.toBody(), null, 2) });
}

function sendStored(res: Response, stored: StoredResponse): void {
  res.status(stored.status).set('Cache-Control', 'no-cache, no-store').type('application/json').send(stored.body);
}

/** `Bearer sk_…`, or HTTP Basic with the key as user name (what `curl -u sk_…:` sends). */
function readApiKey(header: string | undefined): string | null {
  if (!header) return null;
  const [scheme, value] = header.split(/\s+/, 2);
  if (!value) return null;
  if (/^bearer$/i.test(scheme!)) return value;
  if (/^basic$/i.test(scheme!)) {
    const user = Buffer.from(value, 'base64').toString('utf8').split(':')[0];
    return user || null;
  }
  return null;
}

/** Stripe echoes a refused key with all but its prefix and last four characters hidden. */
function maskKey(key: string): string {
  const prefix = /^[a-z]{2}_(test|live)_/.exec(key)?.[0] ?? '';
  if (key.length <= prefix.length + 4) return `${prefix}****`;
  return `${prefix}${'*'.repeat(key.length - prefix.length - 4)}${key.slice(-4)}`;
}

function idempotencyError(
  outcome: { kind: 'in_flight' } | { kind: 'other_params' } | { kind: 'other_endpoint'; endpoint: string },
  key: string,
  endpoint: string,
): StripeApiError {
  switch (outcome.kind) {
    case 'in_flight':
      return new StripeApiError(409, 'idempotency_error',
        `There is currently another in-progress request using this Idempotent Key (that probably means you submitted twice, and the other request is still going through): ${key}. Please try again later.`,
        { code: 'idempotency_key_in_use' });
    case 'other_params':
      return new StripeApiError(400, 'idempotency_error',
        `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`);
    case 'other_endpoint':
      return new StripeApiError(400, 'idempotency_error',
        `Keys for idempotent requests can only be used for the same endpoint they were first used for ('${outcome.endpoint}' vs '${endpoint}'). Try using a key other than '${key}' if you meant to execute a different request.`);
  }
}

function internalError(err: unknown): StripeApiError {
  // A bug in the emulator, not a Stripe behaviour: say so, and let the key be retried.
  const message = err instanceof Error ? err.message : String(err);
  return new StripeApiError(500, 'api_error', `The emulator failed: ${message}`, { storable: false });
}
