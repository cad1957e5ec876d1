/**
 * The OpenAPI 3.1 document of the REST shim (API.md "REST shim"), served at GET /api/v1/openapi.json.
 *
 * It is built here, in code, from the rules the gateway itself runs, never written beside them:
 * - field lists, which fields are required, and defaults: the rule tables of the Validation Service
 *   (src/services/validation/field-rules.ts), which the validators read too;
 * - every number: LIMITS (src/services/validation/limits.ts) and MAX_AMOUNT; the supported currencies,
 *   their amount increments and minimum charges: src/domain/money.ts;
 * - the ref, Idempotency-Key and text patterns, the metadata key rules: field-rules.ts and limits.ts;
 * - the error codes, the HTTP status and the meaning of each: ERROR_CODES (src/domain/errors.ts);
 * - statuses and event sources: the enums of src/domain/payment-status.ts; the fields a publishable
 *   key reads: PUBLISHABLE_FIELDS (src/rest/payments.router.ts); webhook handlings and their
 *   meaning: WEBHOOK_ANSWERS (src/rest/stripe-webhook.router.ts).
 *
 * Written here by hand, because no code states them as data (and kept in this one module): the
 * descriptions (except each error code's meaning, which is ERROR_CODES'), which error codes each
 * route can answer, the Payment and PaymentEvent response shapes (typed against PaymentView/PaymentEventView below, so the compiler refuses a field added to
 * or removed from the view and not here), the extra fields of the error body (each error class's
 * publicDetails), the health bodies, and the X-Request-Id pattern of src/server.ts.
 * test/integration/openapi.test.ts checks the numbers against the code, and the REST suite checks
 * every answer it receives against this document (test/support/openapi-check.ts).
 */
import { Router } from 'express';
import { ERROR_CODES, type ErrorCode } from '../domain/errors';
import { amountIncrement, MAX_AMOUNT, minimumChargeAmount, supportedCurrencies } from '../domain/money';
import { PaymentEventSource, PaymentStatus } from '../domain/payment-status';
import type { PaymentEventView, PaymentView } from '../services/payments/payment-view';
import { WEBHOOK_ANSWERS } from './stripe-webhook.router';
import {
  CONTROL_CHARACTERS,
  CREATE_PAYMENT_INPUT_FIELDS,
  FORBIDDEN_KEYS,
  IDEMPOTENCY_KEY_PATTERN,
  LIMITS,
  LINE_ITEM_FIELDS,
  METADATA_KEY_FORBIDDEN_CHARACTERS,
  PAYMENT_REF_PATTERN,
  type CreatePaymentInputField,
  type FieldRule,
} from '../services/validation';
import { HTTP_STATUS } from './http-errors';
import { PUBLISHABLE_FIELDS } from './payments.router';

type Schema = Record<string, unknown>;

export const OPENAPI_PATH = '/api/v1/openapi.json';

/** A JSON pointer to a component schema; every `$ref` in the document is one of these. */
const schemaRef = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const nullable = (schema: Schema): Schema => ({ anyOf: [schema, { type: 'null' }] });

// ---------------------------------------------------------------------------------------------------
// Patterns, from the validation rules
// ---------------------------------------------------------------------------------------------------

/** Single-line text as readText checks it: no control characters, and not blank. */
const SINGLE_LINE_TEXT_PATTERN = `^[^${CONTROL_CHARACTERS}]*[^\\s${CONTROL_CHARACTERS}][^${CONTROL_CHARACTERS}]*$`;
/** readHttpUrl: http(s)://, no whitespace, backslash or control character (parsing is the validator's). */
const HTTP_URL_PATTERN = `^[Hh][Tt][Tt][Pp][Ss]?://[^\\s\\\\${CONTROL_CHARACTERS}]+$`;
/** readEmail: the local part's length (the rest of the address is `format: email`). */
const EMAIL_LOCAL_PART_PATTERN = `^[^@]{1,${LIMITS.emailLocalPartMaxChars}}@[^@]+$`;
/** readMetadata: keys without `[`, `]` or control characters. */
const METADATA_KEY_PATTERN = `^[^${METADATA_KEY_FORBIDDEN_CHARACTERS}${CONTROL_CHARACTERS}]+$`;
/** Not derived: the X-Request-Id the server accepts from a caller (src/server.ts), or its own UUID. */
const REQUEST_ID_PATTERN = '^[\\w.:-]{1,100}$';

/** A regular expression matching any of `codes` in any letter case (currency codes are case-insensitive). */
function anyCaseOf(codes: readonly string[]): string {
  const anyCase = (code: string) => [...code].map((c) => `[${c.toUpperCase()}${c.toLowerCase()}]`).join('');
  return `^(?:${codes.map(anyCase).join('|')})$`;
}

/** Groups the supported currencies by a per-currency number, leaving out those where it is `skip`. */
function currenciesBy(value: (currency: string) => number, skip: number): [number, string[]][] {
  const groups = new Map<number, string[]>();
  for (const currency of supportedCurrencies()) {
    const n = value(currency);
    if (n !== skip) groups.set(n, [...(groups.get(n) ?? []), currency]);
  }
  return [...groups.entries()].sort(([a], [b]) => a - b);
}

function text(maxChars: number, description: string): Schema {
  return { type: 'string', minLength: 1, maxLength: maxChars, pattern: SINGLE_LINE_TEXT_PATTERN, description };
}

function httpUrl(description: string): Schema {
  return {
    type: 'string',
    minLength: 1,
    maxLength: LIMITS.urlMaxChars,
    pattern: HTTP_URL_PATTERN,
    description: `${description} An absolute http or https URL (WHATWG-parseable, no credentials, at most ${LIMITS.urlMaxChars} characters also once normalised).`,
  };
}

const email = (description: string): Schema => ({
  type: 'string',
  format: 'email',
  maxLength: LIMITS.emailMaxChars,
  pattern: EMAIL_LOCAL_PART_PATTERN,
  description: `${description} A plain ASCII address (dot-atom local part of at most ${LIMITS.emailLocalPartMaxChars} characters, a domain with a dot).`,
});

const dateTime = (description: string): Schema => ({ type: 'string', format: 'date-time', description });

/** Required names and defaults of a rule table (field-rules.ts). */
function requiredOf(rules: Record<string, FieldRule>): string[] {
  return Object.entries(rules)
    .filter(([, rule]) => rule.required)
    .map(([name]) => name);
}

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

function lineItemSchema(): Schema {
  const properties: Record<keyof typeof LINE_ITEM_FIELDS, Schema> = {
    name: text(LIMITS.lineItemNameMaxChars, 'What the customer sees on the checkout page.'),
    unitAmount: {
      type: 'integer',
      minimum: 1,
      maximum: MAX_AMOUNT,
      description: "Price of one unit in the minor unit of the payment's currency (1050 for 10.50 USD, 500 for ¥500).",
    },
    quantity: { type: 'integer', minimum: LIMITS.quantityMin, maximum: LIMITS.quantityMax },
  };
  return { type: 'object', required: requiredOf(LINE_ITEM_FIELDS), additionalProperties: false, properties };
}

function lineItemsSchema(): Schema {
  return {
    type: 'array',
    minItems: LIMITS.lineItemsMin,
    maxItems: LIMITS.lineItemsMax,
    items: schemaRef('LineItem'),
    description: `The order's lines; the payment's amount is the sum of unitAmount × quantity, at most ${MAX_AMOUNT} and at least the currency's minimum charge.`,
  };
}

function metadataSchema(): Schema {
  return {
    type: 'object',
    maxProperties: LIMITS.metadataMaxKeys,
    propertyNames: {
      minLength: 1,
      maxLength: LIMITS.metadataKeyMaxChars,
      pattern: METADATA_KEY_PATTERN,
      not: { enum: [...FORBIDDEN_KEYS] },
    },
    additionalProperties: { type: 'string', maxLength: LIMITS.metadataValueMaxChars },
    description: "The merchant's own string keys and values, passed to Stripe as they are (Stripe's metadata limits).",
  };
}

function createPaymentInputSchema(): Schema {
  const { expiresInMinutesMin: min, expiresInMinutesMax: max } = LIMITS;
  const fields: Record<CreatePaymentInputField, Schema> = {
    orderId: text(LIMITS.orderIdMaxChars, "The merchant's order reference. An order has at most one active or succeeded payment."),
    currency: {
      type: 'string',
      pattern: anyCaseOf(supportedCurrencies()),
      description: 'ISO 4217 code in any letter case, one of the Currency values; stored and returned upper case.',
    },
    lineItems: lineItemsSchema(),
    successUrl: httpUrl("Where the customer lands after paying, with `ref` and `status` added to the query."),
    cancelUrl: httpUrl('Where the customer lands after cancelling, with `ref` added to the query.'),
    customerEmail: { anyOf: [email('Prefills the checkout page.'), { type: 'null' }] },
    expiresInMinutes: {
      type: ['integer', 'null'],
      minimum: min,
      maximum: max,
      description: `How long the checkout stays open, ${min}..${max} minutes (Stripe's window).`,
    },
    metadata: nullable(schemaRef('Metadata')),
  };
  // Optional fields take their default when absent or null (field-rules.ts).
  const properties = Object.fromEntries(
    Object.entries(fields).map(([name, schema]) => {
      const rule: FieldRule = CREATE_PAYMENT_INPUT_FIELDS[name as CreatePaymentInputField];
      return [name, rule.required ? schema : { ...schema, default: rule.default }];
    }),
  );
  const increments = currenciesBy(amountIncrement, 1).map(([step, codes]) => ({
    if: { properties: { currency: { type: 'string', pattern: anyCaseOf(codes) } }, required: ['currency'] },
    then: { properties: { lineItems: { items: { properties: { unitAmount: { multipleOf: step } } } } } },
  }));
  return {
    type: 'object',
    required: requiredOf(CREATE_PAYMENT_INPUT_FIELDS),
    additionalProperties: false,
    properties,
    allOf: increments,
    description:
      'A new payment. Every problem is reported at once (400 BAD_USER_INPUT, one `details` entry per field). ' +
      "Rules beyond this schema: URLs must parse, the total must be at least the currency's minimum charge, text must be valid Unicode.",
  };
}

/** The Payment JSON of every REST answer (PaymentView). Typed by its keys: a field added to the view must be added here. */
function paymentProperties(): Record<keyof PaymentView, Schema> {
  return {
    id: { ...schemaRef('PaymentRef'), description: 'The ref again: GraphQL client caches key objects by `id`, and REST answers carry the same fields.' },
    ref: schemaRef('PaymentRef'),
    orderId: text(LIMITS.orderIdMaxChars, "The merchant's order reference."),
    status: schemaRef('PaymentStatus'),
    amount: { type: 'integer', minimum: 1, maximum: MAX_AMOUNT, description: 'Sum of unitAmount × quantity, in the minor unit of `currency`.' },
    currency: schemaRef('Currency'),
    lineItems: lineItemsSchema(),
    checkoutUrl: { type: ['string', 'null'], format: 'uri', description: "Stripe's hosted checkout page; null until the session exists." },
    providerSessionId: { type: ['string', 'null'], description: "Stripe's Checkout Session id; null until the session exists." },
    customerEmail: nullable(email('The customer’s address, when the merchant gave one.')),
    successUrl: httpUrl("The merchant's success page."),
    cancelUrl: httpUrl("The merchant's cancel page."),
    metadata: schemaRef('Metadata'),
    expiresAt: dateTime('Creation time plus expiresInMinutes; the session expires then.'),
    createdAt: dateTime('When the payment was created.'),
    updatedAt: dateTime('When the payment last changed.'),
    version: { type: 'integer', minimum: 1, description: 'Increases by 1 with every status change.' },
    events: { type: 'array', minItems: 1, items: schemaRef('PaymentEvent'), description: 'The history, oldest first.' },
  };
}

function paymentSchema(): Schema {
  const properties = paymentProperties();
  return {
    type: 'object',
    required: Object.keys(properties),
    additionalProperties: false,
    properties,
    allOf: [schemaRef('CurrencyAmountRules')],
  };
}

/** What a publishable key reads (PUBLISHABLE_FIELDS of the payments router). */
function publishablePaymentSchema(): Schema {
  const all = paymentProperties();
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
            description: 'The same key with the same body returns the first answer (kept at least 24 h); with another body it is IDEMPOTENCY_CONFLICT.',
            schema: { type: 'string', minLength: 1, maxLength: LIMITS.idempotencyKeyMaxChars, pattern: IDEMPOTENCY_KEY_PATTERN.source },
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
        Payment: paymentSchema(),
        PublishablePayment: publishablePaymentSchema(),
        LineItem: lineItemSchema(),
        PaymentEvent: paymentEventSchema(),
        CreatePaymentInput: createPaymentInputSchema(),
        Metadata: metadataSchema(),
        PaymentRef: {
          type: 'string',
          pattern: PAYMENT_REF_PATTERN.source,
          maxLength: LIMITS.refMaxChars,
          description: 'The gateway’s payment id: opaque, unguessable, `pay_…`.',
        },
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
