/**
 * OpenTelemetry tracing: one trace per request across the incoming HTTP request, Express, GraphQL
 * (parse, validate, execute, resolve), MySQL (mysql2, under MikroORM/knex) and the outgoing HTTP
 * call to Stripe (the stripe SDK's NodeHttpClient goes through Node's `http`/`https`), exported over
 * OTLP/HTTP (JSON) to `<endpoint>/v1/traces`.
 *
 * Off unless an endpoint is given: `startTracing` then returns null without loading any of the SDK
 * (the modules are required inside the function), so a gateway without tracing pays nothing.
 *
 * Order matters: the instrumentations patch http, express, graphql and mysql2 as they are required,
 * so this must run before any of them is loaded (src/main.ts calls it before requiring ./index; the
 * tests preload it, see test/support/tracing-preload.js). A late start is reported as a process
 * warning naming the modules that were loaded too early, instead of silently tracing less.
 *
 * Besides the two options below, the SDK honours the standard variables it reads itself, such as
 * OTEL_EXPORTER_OTLP_HEADERS (a collector's API key) and OTEL_BSP_SCHEDULE_DELAY.
 */
import type { IncomingMessage } from 'node:http';
import type { Sampler } from '@opentelemetry/sdk-trace-node';

export interface TracingOptions {
  /** OTLP/HTTP base URL (OTEL_EXPORTER_OTLP_ENDPOINT, e.g. http://collector:4318). Undefined: tracing off. */
  endpoint: string | undefined;
  /** `service.name` of every span (OTEL_SERVICE_NAME). */
  serviceName: string;
  serviceVersion?: string;
  /** Where the SDK's own warnings and errors (a collector that cannot be reached) go; silent without. */
  logger?: { warn(message: string): void; error(message: string): void };
}

export interface Tracing {
  /** Flushes the spans not exported yet and stops tracing. Call after the server has drained. */
  shutdown(): Promise<void>;
}

/** Requests that are not worth a trace: probes and scrapes, every few seconds. */
const UNTRACED_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/** Packages the instrumentations patch on load; found in require.cache, they were loaded too early. */
const INSTRUMENTED_PACKAGES = /[\\/]node_modules[\\/](express|graphql|mysql2|stripe|@apollo[\\/]server)[\\/]/;

/** How long shutdown waits for the last spans to be exported. */
const SHUTDOWN_GRACE_MS = 5_000;

let running: Tracing | null = null;

export function startTracing(options: TracingOptions): Tracing | null {
  if (options.endpoint === undefined) return null;
  if (running) return running; // a preload and the entry both asking: one SDK, patched once

  warnIfLoadedTooEarly();

  /* eslint-disable @typescript-eslint/no-require-imports -- loaded only when tracing is on */
  const api = require('@opentelemetry/api') as typeof import('@opentelemetry/api');
  const { NodeTracerProvider, BatchSpanProcessor, ParentBasedSampler, SamplingDecision } =
    require('@opentelemetry/sdk-trace-node') as typeof import('@opentelemetry/sdk-trace-node');
  const { defaultResource, resourceFromAttributes } = require('@opentelemetry/resources') as typeof import('@opentelemetry/resources');
  const { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } =
    require('@opentelemetry/semantic-conventions') as typeof import('@opentelemetry/semantic-conventions');
  const { registerInstrumentations } = require('@opentelemetry/instrumentation') as typeof import('@opentelemetry/instrumentation');
  const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http') as typeof import('@opentelemetry/instrumentation-http');
  const { ExpressInstrumentation } =
    require('@opentelemetry/instrumentation-express') as typeof import('@opentelemetry/instrumentation-express');
  const { GraphQLInstrumentation } =
    require('@opentelemetry/instrumentation-graphql') as typeof import('@opentelemetry/instrumentation-graphql');
  const { MySQL2Instrumentation } =
    require('@opentelemetry/instrumentation-mysql2') as typeof import('@opentelemetry/instrumentation-mysql2');
  const { OTLPTraceExporter } =
    require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http');
  /* eslint-enable @typescript-eslint/no-require-imports */

  if (options.logger) {
    const { logger } = options;
    const ignore = () => {};
    api.diag.setLogger(
      { error: (message) => logger.error(message), warn: (message) => logger.warn(message), info: ignore, debug: ignore, verbose: ignore },
      api.DiagLogLevel.WARN,
    );
  }

  // A trace starts with a request (or an operation the gateway wraps in a span of its own): database
  // and HTTP client calls without a parent (migrations at start-up, background passes) would each be
  // a one-span trace, noise that costs money in a tracing backend. Inside a trace, everything is kept.
  const requestRoots: Sampler = {
    shouldSample: (_context, _traceId, _name, kind) => ({
      decision: kind === api.SpanKind.CLIENT ? SamplingDecision.NOT_RECORD : SamplingDecision.RECORD_AND_SAMPLED,
    }),
    toString: () => 'RequestRootsSampler',
  };

  const provider = new NodeTracerProvider({
    sampler: new ParentBasedSampler({ root: requestRoots }),
    resource: defaultResource().merge(
      resourceFromAttributes({
        [ATTR_SERVICE_NAME]: options.serviceName,
        ...(options.serviceVersion ? { [ATTR_SERVICE_VERSION]: options.serviceVersion } : {}),
      }),
    ),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: tracesUrl(options.endpoint) }))],
  });
  // Global tracer provider, AsyncLocalStorage context manager, W3C trace-context propagation.
  provider.register();

  const disableInstrumentations = registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      // Incoming requests (the trace's root, or a child of the caller's traceparent) and outgoing
      // ones: the Stripe call, and the emulator's webhook deliveries in sandbox mode.
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request: IncomingMessage) => UNTRACED_PATHS.has(pathOf(request.url)),
      }),
      new ExpressInstrumentation(),
      new GraphQLInstrumentation({
        // Resolve spans for the root fields only (createPayment, payments, …): below them every field
        // just reads a property (type-graphql gives each one a resolver), a span per field otherwise.
        depth: 1,
        // The default already: literal values in the document and the variables stay out of spans.
        allowValues: false,
      }),
      // maskStatement: statements are recorded with literals replaced by `?`, never with their values
      // formatted in (the default), which would put key hashes, e-mails and metadata into traces.
      new MySQL2Instrumentation({ maskStatement: true }),
    ],
  });

  running = {
    shutdown: async () => {
      disableInstrumentations();
      // The last spans get a few seconds: a collector that does not answer must not hold up the exit.
      let timer: NodeJS.Timeout | undefined;
      const giveUp = new Promise<void>((resolve) => (timer = setTimeout(resolve, SHUTDOWN_GRACE_MS).unref()));
      await Promise.race([provider.shutdown().catch(() => undefined), giveUp]);
      clearTimeout(timer);
      running = null;
    },
  };
  return running;
}

/** The OTLP/HTTP traces URL for a base endpoint, as the specification builds it: `<base>/v1/traces`. */
export function tracesUrl(endpoint: string): string {
  return new URL('v1/traces', endpoint.endsWith('/') ? endpoint : `${endpoint}/`).toString();
}

function pathOf(url: string | undefined): string {
  const path = (url ?? '/').split('?', 1)[0]!;
  return path.length > 1 ? path.replace(/\/+$/, '') : path;
}

function warnIfLoadedTooEarly(): void {
  const early = new Set<string>();
  for (const file of Object.keys(require.cache)) {
    const match = INSTRUMENTED_PACKAGES.exec(file);
    if (match) early.add(match[1]!.replace('\\', '/'));
  }
  if (early.size) {
    process.emitWarning(
      `tracing started after ${[...early].join(', ')} had been loaded: not instrumented, their spans will be missing. Start tracing first.`,
      'TracingWarning',
    );
  }
}
