/**
 * The OpenAPI 3.1 document of the REST shim (API.md "REST shim"), served at GET /api/v1/openapi.json.
 *
 * It is built here, in code, from the rules the gateway itself runs, never written beside them:
 * - the request schemas (CreatePaymentInput, LineItem, Metadata, PaymentRef, the Idempotency-Key
 *   header) are generated from the zod schemas the validators parse with (src/services/validation,
 *   json-schema.ts), and the Payment's input-born fields reuse them;
 * - MAX_AMOUNT, the supported currencies, their amount increments and minimum charges: src/domain/money.ts;
 * - the error codes, the HTTP status and the meaning of each: ERROR_CODES (src/domain/errors.ts);
 * - statuses and event sources: the enums of src/domain/payment-status.ts; the fields a publishable
 *   key reads: PUBLISHABLE_FIELDS (src/rest/payments.router.ts); webhook handlings and their
 *   meaning: WEBHOOK_ANSWERS (src/rest/stripe-webhook.router.ts).
 *
 * Written here by hand, because no code states them as data (and kept in this one module): the
 * descriptions of routes and responses, which error codes each route can answer, the Payment and
 * PaymentEvent response shapes (typed against PaymentView/PaymentEventView below, so the compiler
 * refuses a field added to or removed from the view and not here), the extra fields of the error body
 * (each error class's publicDetails), the health bodies, and the X-Request-Id pattern of src/server.ts.
 * test/integration/openapi.test.ts checks the numbers against the code, and the REST suite checks
 * every answer it receives against this document (test/support/openapi-check.ts).
 */
import { Router } from 'express';
import { ERROR_CODES, type ErrorCode } from '../domain/errors';
import { amountIncrement, MAX_AMOUNT, minimumChargeAmount, supportedCurrencies } from '../domain/money';
import { PaymentEventSource, PaymentStatus } from '../domain/payment-status';
import type { PaymentEventView, PaymentView } from '../services/payments/payment-view';
import { WEBHOOK_ANSWERS } from './stripe-webhook.router';
import { idempotencyKeyJsonSchema, inputJsonSchemas, LIMITS } from '../services/validation';
import { HTTP_STATUS } from './http-errors';
import { PUBLISHABLE_FIELDS } from './payments.router';

type Schema = Record<string, unknown>;

export const OPENAPI_PATH = '/api/v1/openapi.json';

/** A JSON pointer to a component schema; every `$ref` in the document is one of these. */
const schemaRef = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const nullable = (schema: Schema): Schema => ({ anyOf: [schema, { type: 'null' }] });

/** Not derived: the X-Request-Id the server accepts from a caller (src/server.ts), or its own UUID. */
const REQUEST_ID_PATTERN = '^[\\w.:-]{1,100}$';

/** The request schemas, generated from the validators' zod schemas; built once per document. */
type InputSchemas = Record<'CreatePaymentInput' | 'LineItem' | 'Metadata' | 'PaymentRef', Schema>;

/** Groups the supported currencies by a per-currency number, leaving out those where it is `skip`. */
function currenciesBy(value: (currency: string) => number, skip: number): [number, string[]][] {
  const groups = new Map<number, string[]>();
  for (const currency of supportedCurrencies()) {
    const n = value(currency);
    if (n !== skip) groups.set(n, [...(groups.get(n) ?? []), currency]);
  }
  return [...groups.entries()].sort(([a], [b]) => a - b);
}

const dateTime = (description: string): Schema => ({ type: 'string', format: 'date-time', description });

// ---------------------------------------------------------------------------------------------------
// Component schemas
// ---------------------------------------------------------------------------------------------------

function currencySchema(): Schema {
  const minimums = currenciesBy(minimumChargeAmount, -1)
    .filter(([minimum]) => minimum > 1)
    .map(([minimum, codes]) => `${codes.join(', ')}: ${minimum}`)
    .join('; ');
  return {
    type: 'string',
    enum: supportedCurrencies(),
    description:
      'ISO 4217 code, upper case: the currencies Stripe supports for card payments, and the three-decimal ones. ' +
      `A payment's amount is at least the currency's minimum charge, in minor units (${minimums}; any other: one increment).`,
  };
}

/** Rules that tie amounts to the currency: increments (ISK, UGX: whole units; three-decimal: last digit 0) and minimum charges. */
function currencyAmountRules(): Schema {
  const increments = currenciesBy(amountIncrement, 1).map(([step, codes]) => ({
    if: { properties: { currency: { enum: codes } }, required: ['currency'] },
    then: {
      properties: { amount: { multipleOf: step }, lineItems: { items: { properties: { unitAmount: { multipleOf: step } } } } },
    },
  }));
  const minimums = currenciesBy(minimumChargeAmount, 1).map(([minimum, codes]) => ({
    if: { properties: { currency: { enum: codes } }, required: ['currency'] },
    then: { properties: { amount: { minimum } } },
  }));
  return {
    description: "Per-currency amount rules of src/domain/money.ts: every amount a multiple of the currency's increment, the total at least its minimum charge.",
    allOf: [...increments, ...minimums],
  };
}

/** A field of CreatePaymentInput as the Payment echoes it: the same rule, described as a stored value. */
function inputField(inputs: InputSchemas, name: string, description?: string): Schema {
  const { default: _default, ...schema } = (inputs.CreatePaymentInput.properties as Record<string, Schema>)[name];
  return description === undefined ? schema : { ...schema, description };
}

/** The Payment JSON of every REST answer (PaymentView). Typed by its keys: a field added to the view must be added here. */
function paymentProperties(inputs: InputSchemas): Record<keyof PaymentView, Schema> {
  return {
    id: { ...schemaRef('PaymentRef'), description: 'The ref again: GraphQL client caches key objects by `id`, and REST answers carry the same fields.' },
    ref: schemaRef('PaymentRef'),
    orderId: inputField(inputs, 'orderId', "The merchant's order reference."),
    status: schemaRef('PaymentStatus'),
    amount: { type: 'integer', minimum: 1, maximum: MAX_AMOUNT, description: 'Sum of unitAmount × quantity, in the minor unit of `currency`.' },
    currency: schemaRef('Currency'),
    lineItems: inputField(inputs, 'lineItems'),
    checkoutUrl: { type: ['string', 'null'], format: 'uri', description: "Stripe's hosted checkout page; null until the session exists." },
    providerSessionId: { type: ['string', 'null'], description: "Stripe's Checkout Session id; null until the session exists." },
    customerEmail: inputField(inputs, 'customerEmail', 'The customer’s address, when the merchant gave one.'),
    successUrl: inputField(inputs, 'successUrl', "The merchant's success page."),
    cancelUrl: inputField(inputs, 'cancelUrl', "The merchant's cancel page."),
    metadata: schemaRef('Metadata'),
    expiresAt: dateTime('Creation time plus expiresInMinutes; the session expires then.'),
    createdAt: dateTime('When the payment was created.'),
    updatedAt: dateTime('When the payment last changed.'),
    version: { type: 'integer', minimum: 1, description: 'Increases by 1 with every status change.' },
    events: { type: 'array', minItems: 1, items: schemaRef('PaymentEvent'), description: 'The history, oldest first.' },
  };
}

function paymentSchema(inputs: InputSchemas): Schema {
  const properties = paymentProperties(inputs);
  return {
    type: 'object',
    required: Object.keys(properties),
    additionalProperties: false,
    properties,
    allOf: [schemaRef('CurrencyAmountRules')],
  };
}

/** What a publishable key reads (PUBLISHABLE_FIELDS of the payments router). */
function publishablePaymentSchema(inputs: InputSchemas): Schema {
  const all = paymentProperties(inputs);
  return {
    type: 'object',
    required: [...PUBLISHABLE_FIELDS],
    additionalProperties: false,
    properties: Object.fromEntries(PUBLISHABLE_FIELDS.map((field) => [field, all[field]])),
    allOf: [schemaRef('CurrencyAmountRules')],
    description: 'A payment as a publishable key sees it: its status fields only.',
  };
}

function paymentEventSchema(): Schema {
  const properties: Record<keyof PaymentEventView, Schema> = {
    at: dateTime('When it happened.'),
    source: schemaRef('PaymentEventSource'),
    from: { ...nullable(schemaRef('PaymentStatus')), description: 'null when the payment was created.' },
    to: schemaRef('PaymentStatus'),
    applied: { type: 'boolean', description: 'false: recorded but ignored (stale, out of order, or changing nothing).' },
    providerEventId: { type: ['string', 'null'], description: 'evt_… for webhook-borne events.' },
    providerEventType: { type: ['string', 'null'] },
    note: { type: ['string', 'null'] },
  };
  return { type: 'object', required: Object.keys(properties), additionalProperties: false, properties, description: "One line of a payment's history." };
}

function errorSchemas(): Record<string, Schema> {
  return {
    ErrorCode: {
      type: 'string',
      enum: Object.keys(HTTP_STATUS),
      description: Object.entries(HTTP_STATUS)
        .map(([code, status]) => `${code}: ${status}`)
        .join('; '),
    },
    FieldProblem: {
      type: 'object',
      required: ['field', 'message'],
      additionalProperties: false,
      properties: {
        field: { type: 'string', description: 'Dotted path into the input, e.g. `lineItems.0.unitAmount`.' },
        message: { type: 'string' },
      },
    },
    Error: {
      type: 'object',
      required: ['error'],
      additionalProperties: false,
      properties: { error: schemaRef('ErrorDetail') },
    },
    ErrorDetail: {
      type: 'object',
      required: ['code', 'message', 'requestId'],
      additionalProperties: false,
      // Not derived: the extra fields are what each error class's publicDetails returns (src/domain/errors.ts).
      properties: {
        code: schemaRef('ErrorCode'),
        message: { type: 'string', description: 'For people; INTERNAL_SERVER_ERROR is masked.' },
        details: {
          type: 'array',
          // Past maxReportedProblems one more line says how many were not listed (problem-list.ts).
          maxItems: LIMITS.maxReportedProblems + 1,
          items: schemaRef('FieldProblem'),
          description: 'BAD_USER_INPUT: each problem with its field.',
        },
        ref: { ...schemaRef('PaymentRef'), description: 'The payment concerned (ORDER_CONFLICT: the one holding the order; PROVIDER_*: the payment stored).' },
        status: { ...schemaRef('PaymentStatus'), description: 'INVALID_PAYMENT_STATE: the payment’s status.' },
        retryAfter: { type: 'integer', minimum: 1, description: 'RATE_LIMITED: seconds to wait (also the Retry-After header).' },
        requestId: { type: 'string', pattern: REQUEST_ID_PATTERN, description: 'The X-Request-Id of the answer: quote it.' },
      },
      allOf: [
        { if: { properties: { code: { const: 'INVALID_PAYMENT_STATE' } } }, then: { required: ['ref', 'status'] } },
        { if: { properties: { code: { const: 'RATE_LIMITED' } } }, then: { required: ['retryAfter'] } },
      ],
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// Responses
// ---------------------------------------------------------------------------------------------------

/** Webhook handlings and their meaning, from the webhook door's one table of answers. */
const WEBHOOK_HANDLINGS = Object.fromEntries(Object.entries(WEBHOOK_ANSWERS).map(([handling, { meaning }]) => [handling, meaning]));

const X_REQUEST_ID = { $ref: '#/components/headers/X-Request-Id' };

function response(description: string, content?: Schema, headers: Schema = {}): Schema {
  return { description, headers: { 'X-Request-Id': X_REQUEST_ID, ...headers }, ...(content ? { content } : {}) };
}

const json = (schema: Schema): Schema => ({ 'application/json': { schema } });

/**
 * The error answers of a route: its codes grouped by their HTTP status (HTTP_STATUS), each status
 * restricted to the codes the route answers with it. `tooLarge`: body-parser's 413 BAD_USER_INPUT.
 */
function errorResponses(codes: ErrorCode[], options: { tooLarge?: boolean; when?: Partial<Record<ErrorCode, string>> } = {}): Record<string, Schema> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) byStatus.set(HTTP_STATUS[code], [...(byStatus.get(HTTP_STATUS[code]) ?? []), code]);
  if (options.tooLarge) byStatus.set(413, ['BAD_USER_INPUT']);
  const responses: Record<string, Schema> = {};
  for (const [status, statusCodes] of [...byStatus.entries()].sort(([a], [b]) => a - b)) {
    const description =
      status === 413 ? 'BAD_USER_INPUT: the request body is too large' : statusCodes.map((code) => `${code}: ${options.when?.[code] ?? ERROR_CODES[code].meaning}`).join('; ');
    const schema = { allOf: [schemaRef('Error'), { properties: { error: { properties: { code: { enum: statusCodes } } } } }] };
    const headers = statusCodes.includes('RATE_LIMITED') ? { 'Retry-After': { $ref: '#/components/headers/Retry-After' } } : {};
    responses[String(status)] = response(description, json(schema), headers);
  }
  return responses;
}

function redirect(description: string): Schema {
  return response(
    description,
    { 'text/plain': { schema: { type: 'string' } }, 'text/html': { schema: { type: 'string' } } },
    { Location: { required: true, description: 'Where the browser goes.', schema: { type: 'string', format: 'uri' } } },
  );
}

const refParameter = (description: string): Schema => ({ name: 'ref', in: 'query', required: true, description, schema: schemaRef('PaymentRef') });

// ---------------------------------------------------------------------------------------------------
// The document
// ---------------------------------------------------------------------------------------------------

export function buildOpenApiDocument(): Schema {
  const inputs = inputJsonSchemas() as InputSchemas;
  const idempotencyKey = idempotencyKeyJsonSchema();
  const secret = [{ bearerAuth: [] }];
  const noAuth: unknown[] = [];
  const paths: Record<string, Schema> = {
    '/api/v1/payment': {
      post: {
        tags: ['payments'],
        operationId: 'createPayment',
        summary: 'Create a payment',
        description: 'Saves the payment, creates its Stripe Checkout Session and answers the payment with its `checkoutUrl` (secret key).',
        security: secret,
        parameters: [
          {
            name: 'Idempotency-Key',
            in: 'header',
            required: false,
            description: idempotencyKey.description,
            schema: idempotencyKey,
          },
        ],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: schemaRef('CreatePaymentInput'),
              example: {
                orderId: 'order-1',
                currency: 'usd',
                lineItems: [{ name: 'T-shirt', unitAmount: 2500, quantity: 2 }],
                successUrl: 'https://shop.example/thanks',
                cancelUrl: 'https://shop.example/cart',
              },
            },
          },
        },
        responses: {
          '201': response('The payment, PENDING with its checkoutUrl.', json(schemaRef('Payment'))),
          ...errorResponses(
            [
              'BAD_USER_INPUT',
              'UNAUTHENTICATED',
              'FORBIDDEN',
              'ORDER_CONFLICT',
              'IDEMPOTENCY_CONFLICT',
              'RATE_LIMITED',
              'INTERNAL_SERVER_ERROR',
              'PROVIDER_ERROR',
              'PROVIDER_UNAVAILABLE',
            ],
            {
              tooLarge: true,
              when: {
                BAD_USER_INPUT: 'invalid input, a malformed Idempotency-Key, or a body that is not JSON',
                PROVIDER_ERROR: 'Stripe refused the session: the payment is stored as FAILED (`ref`)',
                PROVIDER_UNAVAILABLE: 'Stripe unreachable: the payment stays PROCESSING (`ref`) for the reconciler; a retry with the same Idempotency-Key takes it up',
              },
            },
          ),
        },
      },
      get: {
        tags: ['payments'],
        operationId: 'getPayment',
        summary: 'Read a payment',
        description: 'The whole payment with the secret key; with the publishable key, its status fields only.',
        security: secret,
        parameters: [refParameter('The payment.')],
        responses: {
          '200': response('The payment (secret key) or its status fields (publishable key).', json({ oneOf: [schemaRef('Payment'), schemaRef('PublishablePayment')] })),
          ...errorResponses(['BAD_USER_INPUT', 'UNAUTHENTICATED', 'PAYMENT_NOT_FOUND', 'RATE_LIMITED', 'INTERNAL_SERVER_ERROR'], {
            when: { BAD_USER_INPUT: 'ref missing or not a payment ref' },
          }),
        },
      },
    },
    '/api/v1/payment/expire': {
      post: {
        tags: ['payments'],
        operationId: 'expirePayment',
        summary: 'Expire a pending payment',
        description: 'Expires the checkout session at Stripe. Expiring an EXPIRED payment returns it unchanged (secret key).',
        security: secret,
        parameters: [refParameter('The payment.')],
        responses: {
          '200': response('The payment, EXPIRED.', json(schemaRef('Payment'))),
          ...errorResponses(
            ['BAD_USER_INPUT', 'UNAUTHENTICATED', 'FORBIDDEN', 'PAYMENT_NOT_FOUND', 'INVALID_PAYMENT_STATE', 'RATE_LIMITED', 'INTERNAL_SERVER_ERROR', 'PROVIDER_ERROR', 'PROVIDER_UNAVAILABLE'],
            {
              when: {
                BAD_USER_INPUT: 'ref missing or not a payment ref',
                INVALID_PAYMENT_STATE: 'the payment is SUCCEEDED or FAILED (also when it was paid meanwhile), or its session is still being created',
              },
            },
          ),
        },
      },
    },
    '/api/v1/webhooks/stripe': {
      post: {
        tags: ['stripe'],
        operationId: 'stripeWebhook',
        summary: "Stripe's webhook events",
        description: 'Verified against Stripe-Signature on the raw body (timestamps older than 300 s refused) before anything is touched.',
        security: noAuth,
        parameters: [{ name: 'Stripe-Signature', in: 'header', required: true, description: '`t=…,v1=…`', schema: { type: 'string' } }],
        requestBody: { required: true, content: json({ type: 'object', description: 'A Stripe Event.' }) },
        responses: {
          '200': response(
            'Handled, a duplicate, or not ours (acknowledged, logged).',
            json({
              type: 'object',
              required: ['received', 'handling'],
              additionalProperties: false,
              properties: {
                received: { const: true },
                handling: {
                  enum: Object.keys(WEBHOOK_HANDLINGS),
                  description: Object.entries(WEBHOOK_HANDLINGS)
                    .map(([name, meaning]) => `${name}: ${meaning}`)
                    .join('; '),
                },
              },
            }),
          ),
          ...errorResponses(['BAD_USER_INPUT', 'INTERNAL_SERVER_ERROR'], {
            tooLarge: true,
            when: {
              BAD_USER_INPUT: 'the signature is missing or does not verify, or the body is not a Stripe event (never retried)',
              INTERNAL_SERVER_ERROR: 'something transient failed (the database, say): Stripe delivers the event again',
            },
          }),
        },
      },
    },
    '/api/v1/payment/return': {
      get: {
        tags: ['customer'],
        operationId: 'paymentReturn',
        summary: "The customer's return from checkout",
        description: "Reads the session at Stripe and applies it (a payment already final is answered from the database), then redirects to the merchant's successUrl with `ref` and `status` added. Stripe unreachable still redirects, with the status known. Limited per address (RATE_LIMIT_REDIRECTS_PER_IP_PER_MINUTE).",
        security: noAuth,
        parameters: [
          refParameter('The payment.'),
          { name: 'session_id', in: 'query', required: true, description: "The payment's Checkout Session, filled in by Stripe.", schema: { type: 'string' } },
        ],
        responses: {
          '303': redirect("To the merchant's successUrl with `ref` and `status`."),
          ...errorResponses(['BAD_USER_INPUT', 'PAYMENT_NOT_FOUND', 'RATE_LIMITED', 'INTERNAL_SERVER_ERROR', 'PROVIDER_ERROR'], {
            when: {
              BAD_USER_INPUT: "ref malformed, or session_id is not this payment's session",
              RATE_LIMITED: 'more than RATE_LIMIT_REDIRECTS_PER_IP_PER_MINUTE return and cancel hits from this address',
              PROVIDER_ERROR: 'Stripe refused to read the session',
            },
          }),
        },
      },
    },
    '/api/v1/payment/cancel': {
      get: {
        tags: ['customer'],
        operationId: 'paymentCancel',
        summary: "The customer's cancel link",
        description: "Redirects to the merchant's cancelUrl with `ref` added; nothing changes (the session stays open until it expires).",
        security: noAuth,
        parameters: [refParameter('The payment.')],
        responses: {
          '303': redirect("To the merchant's cancelUrl with `ref`."),
          ...errorResponses(['BAD_USER_INPUT', 'PAYMENT_NOT_FOUND', 'RATE_LIMITED', 'INTERNAL_SERVER_ERROR'], {
            when: { BAD_USER_INPUT: 'ref missing or malformed', RATE_LIMITED: 'more than RATE_LIMIT_REDIRECTS_PER_IP_PER_MINUTE return and cancel hits from this address' },
          }),
        },
      },
    },
    '/healthz': {
      get: {
        tags: ['health'],
        operationId: 'liveness',
        summary: 'Liveness',
        security: noAuth,
        responses: {
          '200': response('The process answers.', json({ type: 'object', required: ['status'], additionalProperties: false, properties: { status: { const: 'ok' } } })),
        },
      },
    },
    '/readyz': {
      get: {
        tags: ['health'],
        operationId: 'readiness',
        summary: 'Readiness: the database answers (Redis down: still 200, status degraded)',
        security: noAuth,
        responses: {
          '200': response(
            'Ready; `degraded` when Redis (if configured) does not answer: rate limits are then counted per instance.',
            json(readiness(['ready', 'degraded'], true)),
          ),
          '503': response('The database does not answer.', json(readiness(['unavailable'], false))),
        },
      },
    },
    [OPENAPI_PATH]: {
      get: {
        tags: ['health'],
        operationId: 'openApiDocument',
        summary: 'This document',
        security: noAuth,
        responses: { '200': response('The OpenAPI 3.1 document of the REST shim.', json({ type: 'object', required: ['openapi', 'info', 'paths'] })) },
      },
    },
  };

  return {
    openapi: '3.1.0',
    info: {
      title: 'Payment gateway REST shim',
      version: '1.0.0',
      description:
        'The REST door of the GraphQL payment gateway in front of Stripe Checkout (docs/reference.md in its repository). JSON, the same field names as GraphQL. ' +
        'Amounts are integers in the minor unit of the currency. Every answer carries X-Request-Id; errors are ' +
        '`{"error": {"code", "message", "details"?, "ref"?, "requestId"}}`. Generated from the gateway\'s validation rules (src/rest/openapi.ts).',
    },
    tags: [
      { name: 'payments', description: "A merchant's backend, with its API key." },
      { name: 'stripe', description: 'Called by Stripe.' },
      { name: 'customer', description: "The customer's browser coming back from checkout." },
      { name: 'health', description: 'Operations.' },
    ],
    paths,
    components: {
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          description: 'The secret key `sk_gw_…` (everything on the merchant’s own payments) or, for GET /api/v1/payment only, the publishable key `pk_gw_…`.',
        },
      },
      headers: {
        'X-Request-Id': {
          required: true,
          description: "The request's id (the caller's own is kept when it looks like one); quote it.",
          schema: { type: 'string', pattern: REQUEST_ID_PATTERN },
        },
        'Retry-After': { required: true, description: 'Seconds until the window resets.', schema: { type: 'integer', minimum: 1 } },
      },
      schemas: {
        Payment: paymentSchema(inputs),
        PublishablePayment: publishablePaymentSchema(inputs),
        LineItem: inputs.LineItem,
        PaymentEvent: paymentEventSchema(),
        CreatePaymentInput: inputs.CreatePaymentInput,
        Metadata: inputs.Metadata,
        PaymentRef: inputs.PaymentRef,
        PaymentStatus: { type: 'string', enum: Object.values(PaymentStatus), description: 'PROCESSING → PENDING → SUCCEEDED / FAILED / EXPIRED.' },
        PaymentEventSource: { type: 'string', enum: Object.values(PaymentEventSource) },
        Currency: currencySchema(),
        CurrencyAmountRules: currencyAmountRules(),
        ...errorSchemas(),
      },
    },
  };
}

function readiness(statuses: string[], database: boolean): Schema {
  const upOrDown = { type: 'string', enum: ['up', 'down'] };
  return {
    type: 'object',
    required: ['status', 'database', 'checks'],
    additionalProperties: false,
    properties: {
      status: { type: 'string', enum: statuses },
      database: { const: database },
      checks: {
        type: 'object',
        description: 'Each dependency: `database`, and `redis` when REDIS_URL is set.',
        required: ['database'],
        additionalProperties: false,
        properties: { database: upOrDown, redis: upOrDown },
      },
    },
  };
}

/** GET /openapi.json (mount under /api/v1, before the rate limiter; no key needed). Built once. */
export function openApiRouter(): Router {
  const router = Router();
  const document = buildOpenApiDocument();
  router.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
  return router;
}
