import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createStripeEmulator, type StripeEmulator } from '../../src/stripe-emulator';
import { freePort, paymentInput } from '../support/gateway-harness';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-database';
import { SpanKind, startOtlpCollector, type CollectedSpan, type OtlpCollector } from '../support/otlp-collector';
import { loadConfig } from '../../src/config';
import { createOrm, migrate } from '../../src/orm';
import { MerchantService } from '../../src/services/merchants/merchant.service';
import { PAYMENT_REF_ATTRIBUTE } from '../../src/telemetry/spans';

/**
 * OpenTelemetry: a gateway process with OTEL_EXPORTER_OTLP_ENDPOINT set exports, for one GraphQL
 * createPayment, one trace holding the incoming HTTP request, Express, GraphQL, the SQL statements
 * and the outgoing call to Stripe (the emulator), with the payment's ref as an attribute.
 *
 * The gateway runs as a child process (the instrumentations hook Node's require, which jest's module
 * system bypasses), traced through test/support/tracing-preload.js, and exports over real OTLP/HTTP
 * to an in-memory collector in this process: the exporter and endpoint handling production uses.
 */
describe('tracing', () => {
  const webhookSecret = `whsec_${randomBytes(16).toString('hex')}`;
  let collector: OtlpCollector;
  let database: ScratchDatabase;
  let emulator: StripeEmulator;
  let emulatorPort: number;
  let gateway: GatewayProcess;
  let secretKey: string;
  let input: Record<string, unknown>;
  let ref: string;
  let trace: CollectedSpan[];

  beforeAll(async () => {
    collector = await startOtlpCollector();
    // Migrated and given a merchant first: the gateway then neither migrates nor creates a demo merchant.
    database = await createScratchDatabase();
    const orm = await createOrm(loadConfig({ DATABASE_URL: database.url }).database);
    await migrate(orm);
    secretKey = (await new MerchantService({ orm, keyRotationOverlapHours: 1 }).createMerchant('Traced')).secretKey;
    await orm.close();

    // No webhook deliveries: the only request the gateway serves is the createPayment below.
    emulator = createStripeEmulator({ webhookSecret, webhookUrls: [] });
    const emulatorUrl = (await emulator.listen(0, '127.0.0.1')).url;
    emulatorPort = Number(new URL(emulatorUrl).port);
    const port = await freePort();
    gateway = await startGatewayProcess({
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      DATABASE_URL: database.url,
      STRIPE_API_URL: emulatorUrl,
      STRIPE_WEBHOOK_SECRET: webhookSecret,
      RECONCILER_ENABLED: 'false',
      NODE_OPTIONS: `--require ${JSON.stringify(join(__dirname, '..', 'support', 'tracing-preload.js'))}`,
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
      OTEL_SERVICE_NAME: 'gateway-under-test',
      // The SDK's own variable: export finished spans after 100 ms rather than 5 s.
      OTEL_BSP_SCHEDULE_DELAY: '100',
    });

    input = paymentInput();
    const response = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${secretKey}` },
      body: JSON.stringify({
        query: 'mutation Create($input: CreatePaymentInput!) { createPayment(input: $input) { ref status checkoutUrl } }',
        variables: { input },
      }),
    });
    const body = (await response.json()) as any;
    expect(body.errors).toBeUndefined();
    expect(body.data.createPayment.status).toBe('PENDING');
    ref = body.data.createPayment.ref;

    // The request's own span ends last; the exporter sends spans in the order they end.
    const spans = await collector.waitFor((all) => all.some(isGraphqlRequest));
    const requestTraces = new Set(spans.filter(isGraphqlRequest).map((span) => span.traceId));
    expect(requestTraces.size).toBe(1);
    trace = spans.filter((span) => requestTraces.has(span.traceId));
  }, 60_000);

  afterAll(async () => {
    await gateway?.stop();
    await emulator?.close();
    await collector?.close();
    await database?.drop();
  });

  const isGraphqlRequest = (span: CollectedSpan) =>
    span.kind === SpanKind.SERVER && span.scope === '@opentelemetry/instrumentation-http' && span.attributes['url.path'] === '/graphql';

  /** True when `ancestor` is on the way from `span` up to the trace's root. */
  const descendsFrom = (span: CollectedSpan, ancestor: CollectedSpan): boolean => {
    const byId = new Map(trace.map((each) => [each.spanId, each]));
    for (let at = byId.get(span.parentSpanId); at; at = byId.get(at.parentSpanId)) if (at === ancestor) return true;
    return false;
  };

  it('one createPayment is one trace: HTTP, Express, GraphQL, SQL and the Stripe call', () => {
    // The incoming request is the root: the trace is the request's.
    const [root] = trace.filter(isGraphqlRequest);
    expect(root!.parentSpanId).toBe('');
    expect(root!.attributes['http.request.method']).toBe('POST');
    expect(root!.service).toBe('gateway-under-test');

    expect(trace.some((span) => span.scope === '@opentelemetry/instrumentation-express' && descendsFrom(span, root!))).toBe(true);

    const execute = trace.find((span) => span.scope === '@opentelemetry/instrumentation-graphql' && span.attributes['graphql.operation.name'] === 'Create');
    const resolve = trace.find((span) => span.scope === '@opentelemetry/instrumentation-graphql' && span.attributes['graphql.field.name'] === 'createPayment');
    expect(execute && descendsFrom(execute, root!)).toBe(true);
    expect(resolve && descendsFrom(resolve, execute!)).toBe(true);

    // The SQL: the key's lookup (Apollo's context, before the resolver), then the service's statements
    // as children of the resolver that ran them.
    const sql = trace.filter((span) => span.scope === '@opentelemetry/instrumentation-mysql2');
    expect(sql.every((span) => span.attributes['db.system.name'] === 'mysql' && descendsFrom(span, root!))).toBe(true);
    const insert = sql.find((span) => /^insert into `payment` /.test(String(span.attributes['db.query.text'])));
    expect(insert && descendsFrom(insert, resolve!)).toBe(true);

    // The Stripe call: the SDK's HTTP request to the emulator creating the checkout session.
    const stripeCalls = trace.filter(
      (span) => span.kind === SpanKind.CLIENT && span.scope === '@opentelemetry/instrumentation-http' && span.attributes['server.port'] === emulatorPort,
    );
    expect(stripeCalls.map((span) => span.attributes['url.full'])).toEqual([`http://127.0.0.1:${emulatorPort}/v1/checkout/sessions`]);
    expect(stripeCalls[0]!.attributes['http.response.status_code']).toBe(200);
    expect(descendsFrom(stripeCalls[0]!, resolve!)).toBe(true);
  });

  it('puts the payment ref on the trace', () => {
    expect(trace.filter((span) => span.attributes[PAYMENT_REF_ATTRIBUTE] === ref).map((span) => span.name)).not.toHaveLength(0);
  });

  it('exports to <endpoint>/v1/traces, keeps values and keys out of spans, and no parentless SQL', () => {
    expect(new Set(collector.paths)).toEqual(new Set(['/v1/traces']));
    const everything = JSON.stringify(collector.spans);
    // SQL statements are masked, GraphQL variables are not recorded, no header is.
    for (const value of [input.orderId, input.customerEmail, secretKey, webhookSecret, 'sk_test_']) expect(everything).not.toContain(value);
    // Start-up's statements (migration check) have no request: not traced, rather than a trace each.
    const sql = collector.spans.filter((span) => span.scope === '@opentelemetry/instrumentation-mysql2');
    expect(sql.filter((span) => span.parentSpanId === '')).toEqual([]);
  });
});
