import express, { Router } from 'express';
import type { CheckoutService, PaymentBehavior } from './checkout.service';
import type { EventStore } from './event.store';
import type { FaultState } from './faults';
import { readEnum, rejectUnknown } from './form-params';
import { ExpandKind, ExpandTree, expand, parseExpand } from './expand';
import type { PaymentIntentStore } from './payment-intent.store';
import type { EmulatorClock } from './clock';
import { ApiContext, createPipeline, PipelineDeps, send } from './api-pipeline';
import { readPageRequest } from './pagination';
import { validateSessionCreate } from './session-create.validator';
import { StripeApiError, unrecognizedUrl } from './stripe-error';

export interface ApiRouterDeps extends PipelineDeps {
  checkout: CheckoutService;
  events: EventStore;
  paymentIntents: PaymentIntentStore;
  faults: FaultState;
  clock: EmulatorClock;
}

const PAYMENT_BEHAVIORS: readonly PaymentBehavior[] = ['paid', 'async_succeeded', 'async_failed'];

/** Stripe's /v1 surface for what the gateway uses, plus the test helper that plays the customer. */
export function createApiRouter(deps: ApiRouterDeps): Router {
  const router = Router();
  const { authenticate, handle } = createPipeline(deps);
  const eventRequest = (ctx: ApiContext) => ({ id: ctx.requestId, idempotency_key: ctx.idempotencyKey });
  // Every answer goes out through here, so each route expands what was asked the same way.
  const expanded = <T>(object: T, tree: ExpandTree, kind: ExpandKind) =>
    ({ body: expand(object, tree, kind, deps.checkout.expandSources) });

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
    return expanded(session, input.expand, 'checkout.session');
  }));

  router.get('/checkout/sessions', handle((_ctx, query) => {
    rejectUnknown(query, ['limit', 'starting_after', 'ending_before', 'status', 'created', 'payment_intent', 'customer', 'customer_details', 'payment_link', 'subscription', 'expand', 'customer_account']);
    const tree = parseExpand(query.expand, 'checkout.session.list');
    return expanded(deps.checkout.list(query, readPageRequest(query)), tree, 'checkout.session.list');
  }));

  router.get('/checkout/sessions/:id', handle((_ctx, query, req) => {
    rejectUnknown(query, ['expand']);
    const tree = parseExpand(query.expand, 'checkout.session');
    return expanded(deps.checkout.retrieve(String(req.params.id)), tree, 'checkout.session');
  }));

  router.get('/checkout/sessions/:id/line_items', handle((_ctx, query, req) => {
    rejectUnknown(query, ['limit', 'starting_after', 'ending_before', 'expand']);
    const tree = parseExpand(query.expand, 'line_item.list');
    return expanded(deps.checkout.lineItems(String(req.params.id), readPageRequest(query)), tree, 'line_item.list');
  }));

  router.post('/checkout/sessions/:id/expire', handle((ctx, params, req) => {
    rejectUnknown(params, ['expand']);
    const tree = parseExpand(params.expand, 'checkout.session');
    const session = deps.checkout.expire(String(req.params.id), { request: eventRequest(ctx) });
    return expanded(session, tree, 'checkout.session');
  }));

  router.post('/test_helpers/checkout/sessions/:id/complete', handle((ctx, params, req) => {
    rejectUnknown(params, ['payment_behavior', 'expand']);
    const behavior = readEnum(params.payment_behavior, 'payment_behavior', PAYMENT_BEHAVIORS) ?? 'paid';
    const tree = parseExpand(params.expand, 'checkout.session');
    const session = deps.checkout.complete(String(req.params.id), behavior, { request: eventRequest(ctx) });
    return expanded(session, tree, 'checkout.session');
  }));

  router.get('/events', handle((_ctx, query) => {
    rejectUnknown(query, ['limit', 'starting_after', 'ending_before', 'type', 'types', 'created', 'delivery_success', 'expand']);
    const tree = parseExpand(query.expand, 'event.list');
    return expanded(deps.events.list(query, readPageRequest(query)), tree, 'event.list');
  }));

  router.get('/events/:id', handle((_ctx, query, req) => {
    rejectUnknown(query, ['expand']);
    const tree = parseExpand(query.expand, 'event');
    return expanded(deps.events.get(String(req.params.id)), tree, 'event');
  }));

  router.get('/payment_intents/:id', handle((_ctx, query, req) => {
    rejectUnknown(query, ['expand', 'client_secret']);
    const tree = parseExpand(query.expand, 'payment_intent');
    return expanded(deps.paymentIntents.get(String(req.params.id)), tree, 'payment_intent');
  }));

  // Anything else under /v1, authenticated or not, is Stripe's "Unrecognized request URL".
  router.use((req, res) => send(res, unrecognizedUrl(req.method, req.originalUrl.split('?')[0]!)));
  return router;
}
