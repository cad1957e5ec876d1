import express, { Router } from 'express';
import type { CheckoutService, PaymentBehavior } from './checkout.service';
import type { EventStore } from './event.store';
import type { FaultState } from './faults';
import { readExpand, readString, rejectUnknown } from './form-params';
import type { EmulatorClock } from './clock';
import { ApiContext, createPipeline, PipelineDeps, send } from './api-pipeline';
import { readPageRequest } from './pagination';
import { validateSessionCreate } from './session-create.validator';
import { StripeApiError, invalidParam, unrecognizedUrl } from './stripe-error';

export interface ApiRouterDeps extends PipelineDeps {
  checkout: CheckoutService;
  events: EventStore;
  faults: FaultState;
  clock: EmulatorClock;
}

const PAYMENT_BEHAVIORS: readonly PaymentBehavior[] = ['paid', 'async_succeeded', 'async_failed'];

/** Stripe's /v1 surface for what the gateway uses, plus the test helper that plays the customer. */
export function createApiRouter(deps: ApiRouterDeps): Router {
  const router = Router();
  const { authenticate, handle } = createPipeline(deps);
  const eventRequest = (ctx: ApiContext) => ({ id: ctx.requestId, idempotency_key: ctx.idempotencyKey });

  // Stripe's bodies are form-encoded; keep the raw text and parse it with the wide qs limits.
  router.use(express.text({ type: () => true, limit: '2mb' }));
  router.use(authenticate);

  router.post('/checkout/sessions', handle((ctx, params) => {
    const input = validateSessionCreate(params, deps.clock.nowSeconds());
    if (deps.faults.roll(deps.faults.get().apiRefusalRate)) {
      // Stored for the key like any executed request: a retry with the same key is refused again.
      throw new StripeApiError(400, 'invalid_request_error', 'The emulator refused this session (apiRefusalRate)');
    }
    const session = deps.checkout.create(input, ctx.apiVersion);
    return { body: deps.checkout.retrieve(session.id, input.expand) };
  }));

  router.get('/checkout/sessions', handle((_ctx, query) => {
    rejectUnknown(query, ['limit', 'starting_after', 'ending_before', 'status', 'created', 'payment_intent', 'customer', 'customer_details', 'payment_link', 'subscription', 'expand', 'customer_account']);
    return { body: deps.checkout.list(query, readPageRequest(query)) };
  }));

  router.get('/checkout/sessions/:id', handle((_ctx, query, req) => {
    rejectUnknown(query, ['expand']);
    return { body: deps.checkout.retrieve(String(req.params.id), readExpand(query.expand)) };
  }));

  router.get('/checkout/sessions/:id/line_items', handle((_ctx, query, req) => {
    rejectUnknown(query, ['limit', 'starting_after', 'ending_before', 'expand']);
    return { body: deps.checkout.lineItems(String(req.params.id), readPageRequest(query)) };
  }));

  router.post('/checkout/sessions/:id/expire', handle((ctx, params, req) => {
    rejectUnknown(params, ['expand']);
    const session = deps.checkout.expire(String(req.params.id), { request: eventRequest(ctx) });
    return { body: deps.checkout.retrieve(session.id, readExpand(params.expand)) };
  }));

  router.post('/test_helpers/checkout/sessions/:id/complete', handle((ctx, params, req) => {
    rejectUnknown(params, ['payment_behavior', 'expand']);
    const behavior = (readString(params.payment_behavior, 'payment_behavior') ?? 'paid') as PaymentBehavior;
    if (!PAYMENT_BEHAVIORS.includes(behavior)) {
      throw invalidParam('payment_behavior', `Invalid payment_behavior: must be one of ${PAYMENT_BEHAVIORS.join(', ')}`);
    }
    const session = deps.checkout.complete(String(req.params.id), behavior, { request: eventRequest(ctx) });
    return { body: deps.checkout.retrieve(session.id, readExpand(params.expand)) };
  }));

  router.get('/events', handle((_ctx, query) => {
    rejectUnknown(query, ['limit', 'starting_after', 'ending_before', 'type', 'types', 'created', 'delivery_success']);
    return { body: deps.events.list(query, readPageRequest(query)) };
  }));

  router.get('/events/:id', handle((_ctx, query, req) => {
    rejectUnknown(query, ['expand']);
    return { body: deps.events.get(String(req.params.id)) };
  }));

  // Anything else under /v1, authenticated or not, is Stripe's "Unrecognized request URL".
  router.use((req, res) => send(res, unrecognizedUrl(req.method, req.originalUrl.split('?')[0]!)));
  return router;
}
