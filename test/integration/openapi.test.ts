/**
 * The OpenAPI document of the REST shim (src/rest/openapi.ts): a sound OpenAPI 3.1 document, built
 * from the code's own rules (its numbers are the code's), served at /api/v1/openapi.json, and a check
 * in the harness (test/support/openapi-check.ts) that refuses answers the document does not describe.
 */
import express from 'express';
import Stripe from 'stripe';
import { buildOpenApiDocument, openApiRouter } from '../../src/rest/openapi';
import { HTTP_STATUS } from '../../src/rest/http-errors';
import { MAX_AMOUNT, supportedCurrencies } from '../../src/domain/money';
import { PaymentEventSource, PaymentStatus } from '../../src/domain/payment-status';
import { CREATE_PAYMENT_INPUT_FIELDS, IDEMPOTENCY_KEY_PATTERN, LIMITS, PAYMENT_REF_PATTERN } from '../../src/services/validation';
import { PUBLISHABLE_FIELDS } from '../../src/rest/payments.router';
import { ajvFor, compileAt, OpenApiChecker, OpenApiMismatchError, type RestAnswer } from '../support/openapi-check';
import { startHarness, paymentInput, type Harness } from '../support/gateway-harness';
import { deliverWebhook, eventAbout } from '../support/checkout-kit';

type Json = Record<string, any>;
const doc: Json = buildOpenApiDocument();
const schemas: Json = doc.components.schemas;
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** Every operation of the document, with its path and method. */
function operations(): [string, string, Json][] {
  return Object.entries<Json>(doc.paths).flatMap(([path, item]) =>
    Object.entries<Json>(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, operation]): [string, string, Json] => [path, method, operation]),
  );
}

/** Every `$ref` in the document, with where it was found. */
function refs(node: unknown, at = '#'): [string, string][] {
  if (Array.isArray(node)) return node.flatMap((item, index) => refs(item, `${at}/${index}`));
  if (node === null || typeof node !== 'object') return [];
  return Object.entries(node).flatMap(([key, value]): [string, string][] =>
    key === '$ref' && typeof value === 'string' ? [[value, at]] : refs(value, `${at}/${key}`),
  );
}

function resolvePointer(pointer: string): unknown {
  if (!pointer.startsWith('#/')) return undefined;
  return pointer
    .slice(2)
    .split('/')
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<any>((at, segment) => (at !== null && typeof at === 'object' && segment in at ? at[segment] : undefined), doc);
}

describe('the document is sound OpenAPI 3.1', () => {
  it('declares OpenAPI 3.1 with an info object, paths and components', () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(typeof doc.info.title).toBe('string');
    expect(typeof doc.info.version).toBe('string');
    expect(Object.keys(doc.paths).length).toBeGreaterThan(0);
    for (const path of Object.keys(doc.paths)) expect(path).toMatch(/^\//);
    // A round trip through JSON changes nothing: no undefined, no functions, no Dates.
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
  });

  it('resolves every $ref inside the document', () => {
    const all = refs(doc);
    expect(all.length).toBeGreaterThan(20);
    const broken = all.filter(([ref]) => resolvePointer(ref) === undefined);
    expect(broken).toEqual([]);
  });

  it('gives every operation responses, each with a description and a valid status key', () => {
    const ids = new Set<string>();
    for (const [path, method, operation] of operations()) {
      const where = `${method.toUpperCase()} ${path}`;
      expect([where, Object.keys(operation.responses ?? {}).length > 0]).toEqual([where, true]);
      for (const [status, response] of Object.entries<Json>(operation.responses)) {
        expect([where, status]).toEqual([where, expect.stringMatching(/^([1-5]\d\d|[1-5]XX|default)$/)]);
        expect([where, status, typeof response.description]).toEqual([where, status, 'string']);
      }
      expect(ids.has(operation.operationId)).toBe(false);
      ids.add(operation.operationId);
      for (const parameter of operation.parameters ?? []) {
        expect(parameter).toEqual(expect.objectContaining({ name: expect.any(String), in: expect.stringMatching(/^(query|header|path|cookie)$/), schema: expect.any(Object) }));
      }
      for (const requirement of operation.security ?? []) {
        for (const scheme of Object.keys(requirement)) expect(doc.components.securitySchemes[scheme]).toBeDefined();
      }
      for (const tag of operation.tags ?? []) expect(doc.tags.map((t: Json) => t.name)).toContain(tag);
    }
  });

  it('has a bearer security scheme, used by the payment routes', () => {
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.paths['/api/v1/payment'].post.security).toEqual([{ bearerAuth: [] }]);
    expect(doc.paths['/api/v1/webhooks/stripe'].post.security).toEqual([]);
  });

  it('has schemas that compile as JSON Schema 2020-12 in strict mode (no unknown keyword, no broken pattern)', () => {
    const ajv = ajvFor(doc);
    for (const name of Object.keys(schemas)) expect(() => compileAt(ajv, `#/components/schemas/${name}`)).not.toThrow();
    for (const [path, method, operation] of operations()) {
      for (const [status, response] of Object.entries<Json>(operation.responses)) {
        for (const mediaType of Object.keys(response.content ?? {})) {
          const pointer = `#/paths/${path.replace(/\//g, '~1')}/${method}/responses/${status}/content/${mediaType.replace(/\//g, '~1')}/schema`;
          expect(() => compileAt(ajv, pointer)).not.toThrow();
        }
      }
    }
  });

  it('documents the routes and statuses of API.md', () => {
    const statuses = (path: string, method: string) => Object.keys(doc.paths[path][method].responses).sort();
    expect(statuses('/api/v1/payment', 'post')).toEqual(expect.arrayContaining(['201', '400', '401', '403', '409', '413', '429', '502', '503']));
    expect(statuses('/api/v1/payment', 'get')).toEqual(expect.arrayContaining(['200', '404']));
    expect(statuses('/api/v1/payment/expire', 'post')).toEqual(expect.arrayContaining(['200', '404', '409']));
    expect(statuses('/api/v1/webhooks/stripe', 'post')).toEqual(expect.arrayContaining(['200', '400', '500']));
    expect(statuses('/api/v1/payment/return', 'get')).toEqual(expect.arrayContaining(['303', '400', '404']));
    expect(statuses('/api/v1/payment/cancel', 'get')).toEqual(expect.arrayContaining(['303', '404']));
    expect(statuses('/healthz', 'get')).toEqual(['200']);
    expect(statuses('/readyz', 'get')).toEqual(['200', '503']);
    expect(doc.paths['/api/v1/payment'].post.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/CreatePaymentInput' });
    expect(doc.paths['/api/v1/payment'].post.parameters.map((p: Json) => [p.in, p.name])).toEqual([['header', 'Idempotency-Key']]);
  });
});

describe("the document's rules are the code's", () => {
  it('takes its limits from LIMITS and MAX_AMOUNT', () => {
    const input = schemas.CreatePaymentInput.properties;
    expect(input.lineItems.maxItems).toBe(LIMITS.lineItemsMax);
    expect(input.lineItems.minItems).toBe(LIMITS.lineItemsMin);
    expect(schemas.Payment.properties.lineItems.maxItems).toBe(LIMITS.lineItemsMax);
    expect(schemas.LineItem.properties.unitAmount.maximum).toBe(MAX_AMOUNT);
    expect(schemas.Payment.properties.amount.maximum).toBe(MAX_AMOUNT);
    expect(schemas.LineItem.properties.quantity).toMatchObject({ minimum: LIMITS.quantityMin, maximum: LIMITS.quantityMax });
    expect(schemas.LineItem.properties.name.maxLength).toBe(LIMITS.lineItemNameMaxChars);
    expect(input.orderId.maxLength).toBe(LIMITS.orderIdMaxChars);
    expect(input.successUrl.maxLength).toBe(LIMITS.urlMaxChars);
    expect(input.expiresInMinutes).toMatchObject({ minimum: LIMITS.expiresInMinutesMin, maximum: LIMITS.expiresInMinutesMax, default: LIMITS.expiresInMinutesDefault });
    expect(schemas.Metadata).toMatchObject({
      maxProperties: LIMITS.metadataMaxKeys,
      propertyNames: { maxLength: LIMITS.metadataKeyMaxChars },
      additionalProperties: { maxLength: LIMITS.metadataValueMaxChars },
    });
    expect(schemas.PaymentRef).toMatchObject({ pattern: PAYMENT_REF_PATTERN.source, maxLength: LIMITS.refMaxChars });
    const idempotencyKey = doc.paths['/api/v1/payment'].post.parameters[0].schema;
    expect(idempotencyKey).toMatchObject({ maxLength: LIMITS.idempotencyKeyMaxChars, pattern: IDEMPOTENCY_KEY_PATTERN.source });
  });

  it('takes the fields, the required ones and the defaults from the validation rule table', () => {
    const input = schemas.CreatePaymentInput;
    expect(Object.keys(input.properties)).toEqual(Object.keys(CREATE_PAYMENT_INPUT_FIELDS));
    expect(input.required).toEqual(Object.entries(CREATE_PAYMENT_INPUT_FIELDS).filter(([, rule]) => rule.required).map(([name]) => name));
    expect(input.properties.metadata.default).toEqual({});
    expect(input.properties.customerEmail.default).toBeNull();
  });

  it('lists the supported currencies, statuses and event sources of the domain', () => {
    expect(schemas.Currency.enum).toEqual(supportedCurrencies());
    expect(schemas.PaymentStatus.enum).toEqual(Object.values(PaymentStatus));
    expect(schemas.PaymentEventSource.enum).toEqual(Object.values(PaymentEventSource));
    expect(schemas.PublishablePayment.required).toEqual([...PUBLISHABLE_FIELDS]);
  });

  it('lists the error codes of HTTP_STATUS, each answered only with its own status', () => {
    expect(schemas.ErrorCode.enum).toEqual(Object.keys(HTTP_STATUS));
    for (const [path, method, operation] of operations()) {
      for (const [status, response] of Object.entries<Json>(operation.responses)) {
        const schema = response.content?.['application/json']?.schema;
        if (schema?.allOf?.[0]?.$ref !== '#/components/schemas/Error') continue;
        const codes: string[] = schema.allOf[1].properties.error.properties.code.enum;
        for (const code of codes) {
          const expected = status === '413' ? 413 : HTTP_STATUS[code as keyof typeof HTTP_STATUS];
          expect([method, path, code, Number(status)]).toEqual([method, path, code, expected]);
        }
      }
    }
  });

  it('follows a changed limit: the document is built from the same constants the validator reads', () => {
    jest.isolateModules(() => {
      jest.doMock('../../src/domain/limits', () => {
        const actual = jest.requireActual('../../src/domain/limits');
        return { ...actual, LIMITS: { ...actual.LIMITS, lineItemsMax: 7, orderIdMaxChars: 12 } };
      });
      const { buildOpenApiDocument: build } = require('../../src/rest/openapi');
      const { validateCreatePaymentInput } = require('../../src/services/validation');
      const changed = build().components.schemas.CreatePaymentInput.properties;
      expect(changed.lineItems.maxItems).toBe(7);
      expect(changed.orderId.maxLength).toBe(12);
      const line = { name: 'Mug', unitAmount: 100, quantity: 1 };
      const input = { orderId: 'o-1', currency: 'USD', successUrl: 'https://a.example/', cancelUrl: 'https://a.example/' };
      expect(() => validateCreatePaymentInput({ ...input, lineItems: Array(7).fill(line) })).not.toThrow();
      expect(() => validateCreatePaymentInput({ ...input, lineItems: Array(8).fill(line) })).toThrow(/at most 7/);
    });
    jest.dontMock('../../src/domain/limits');
  });
});

describe('served at GET /openapi.json', () => {
  it('openApiRouter() answers the built document, as JSON', async () => {
    const app = express();
    app.use('/api/v1', openApiRouter());
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const { port } = server.address() as { port: number };
      const response = await fetch(`http://127.0.0.1:${port}/api/v1/openapi.json`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await response.json()).toEqual(JSON.parse(JSON.stringify(buildOpenApiDocument())));
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('the gateway and the harness check', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('serves the document at /api/v1/openapi.json without a key, as JSON', async () => {
    const served = await fetch(`${h.gateway.url}/api/v1/openapi.json`);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await served.json()).toEqual(JSON.parse(JSON.stringify(buildOpenApiDocument())));
  });

  const answerOf = async (method: string, path: string, init: RequestInit = {}): Promise<RestAnswer> => {
    const response = await fetch(`${h.gateway.url}${path}`, { method, redirect: 'manual', ...init });
    return { method, path, status: response.status, headers: response.headers, text: await response.text() };
  };
  const secret = () => ({ authorization: `Bearer ${h.merchant.secretKey}`, 'content-type': 'application/json' });

  it('passes live answers and refuses the same answers once altered', async () => {
    const checker = new OpenApiChecker();
    const created = await answerOf('POST', '/api/v1/payment', { headers: secret(), body: JSON.stringify(paymentInput()) });
    expect(created.status).toBe(201);
    expect(() => checker.check(created)).not.toThrow();
    const payment = JSON.parse(created.text);

    const mutate = (change: (body: any) => void): RestAnswer => {
      const body = JSON.parse(created.text);
      change(body);
      return { ...created, text: JSON.stringify(body) };
    };
    // A wrong shape: each of these is refused, with the route and the offending field in the message.
    expect(() => checker.check(mutate((b) => (b.amount = String(b.amount))))).toThrow(/POST \/api\/v1\/payment answered 201.*\n(.|\n)*\/amount must be integer/);
    expect(() => checker.check(mutate((b) => (b.amount = MAX_AMOUNT + 1)))).toThrow(OpenApiMismatchError);
    expect(() => checker.check(mutate((b) => (b.status = 'PAID')))).toThrow(/\/status must be equal to one of the allowed values/);
    expect(() => checker.check(mutate((b) => delete b.events))).toThrow(/must have required property 'events'/);
    expect(() => checker.check(mutate((b) => (b.surprise = 1)))).toThrow(/must NOT have additional properties/);
    expect(() => checker.check(mutate((b) => (b.lineItems = [])))).toThrow(OpenApiMismatchError);
    expect(() => checker.check(mutate((b) => (b.currency = 'usd')))).toThrow(OpenApiMismatchError);
    expect(() => checker.check(mutate((b) => (b.events[0].at = 'yesterday')))).toThrow(/format/);
    expect(() => checker.check({ ...created, text: '{"not json' })).toThrow(/not JSON/);
    // An undocumented status, a missing required header, an undocumented media type.
    expect(() => checker.check({ ...created, status: 200 })).toThrow(/a status the document does not list/);
    const withoutRequestId = new Headers(created.headers);
    withoutRequestId.delete('x-request-id');
    expect(() => checker.check({ ...created, headers: withoutRequestId })).toThrow(/required X-Request-Id header/);
    const asHtml = new Headers(created.headers);
    asHtml.set('content-type', 'text/html');
    expect(() => checker.check({ ...created, headers: asHtml })).toThrow(/text\/html body/);
    // The publishable subset is not a full payment, and a full payment is not the subset.
    const read = await answerOf('GET', `/api/v1/payment?ref=${payment.ref}`, { headers: { authorization: `Bearer ${h.merchant.publishableKey}` } });
    expect(Object.keys(JSON.parse(read.text)).sort()).toEqual([...PUBLISHABLE_FIELDS].sort());
    expect(() => checker.check(read)).not.toThrow();
    expect(() => checker.check({ ...read, text: JSON.stringify({ ...JSON.parse(read.text), orderId: 'x' }) })).toThrow(OpenApiMismatchError);
    // Paths and methods the document does not know are not its business.
    expect(() => checker.check({ ...created, path: '/api/v1/nothing', status: 404 })).not.toThrow();
  });

  it("makes the harness's rest() throw on an answer the document does not describe", async () => {
    const checker = new OpenApiChecker();
    const original = checker.document.paths['/healthz'].get.responses['200'];
    // The same document but /healthz documented as answering 204 only: the live 200 must be refused.
    const strict = new OpenApiChecker({ ...checker.document, paths: { ...checker.document.paths, '/healthz': { get: { responses: { '204': { description: 'x' } } } } } });
    const live = await answerOf('GET', '/healthz');
    expect(() => checker.check(live)).not.toThrow();
    expect(() => strict.check(live)).toThrow(/GET \/healthz answered 200, a status the document does not list/);
    expect(original).toBeDefined();
    // And rest() itself runs the check: an answer to a documented route comes back checked.
    await expect(h.rest('GET', '/healthz')).resolves.toMatchObject({ status: 200 });
  });

  it('documents the webhook answers Stripe gets (delivered outside rest())', async () => {
    const checker = new OpenApiChecker();
    const created = JSON.parse((await answerOf('POST', '/api/v1/payment', { headers: secret(), body: JSON.stringify(paymentInput()) })).text);
    const session = await h.stripe.checkout.sessions.retrieve(created.providerSessionId);
    const payload = eventAbout(session as Stripe.Checkout.Session, 'checkout.session.expired');
    const asAnswer = async (response: Response): Promise<RestAnswer> => ({
      method: 'POST',
      path: '/api/v1/webhooks/stripe',
      status: response.status,
      headers: response.headers,
      text: await response.text(),
    });
    const handled = await asAnswer(await deliverWebhook(h, payload));
    expect(handled.status).toBe(200);
    expect(() => checker.check(handled)).not.toThrow();
    const forged = await asAnswer(await deliverWebhook(h, payload, { signature: 't=1,v1=deadbeef' }));
    expect(forged.status).toBe(400);
    expect(() => checker.check(forged)).not.toThrow();
    const unsigned = await asAnswer(await deliverWebhook(h, payload, { signature: null }));
    expect(unsigned.status).toBe(400);
    expect(() => checker.check(unsigned)).not.toThrow();
    const notOurs = await asAnswer(await deliverWebhook(h, eventAbout({ ...session, id: 'cs_test_not_ours', client_reference_id: null } as Stripe.Checkout.Session, 'checkout.session.completed')));
    expect(JSON.parse(notOurs.text)).toEqual({ received: true, handling: 'unknown_payment' });
    expect(() => checker.check(notOurs)).not.toThrow();
  });
});
