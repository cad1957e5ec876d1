/**
 * The one reader of process.env. Parsed once at start; a bad value stops start-up with a message that
 * names the variable. Everything else receives a `Config`.
 */
import { z } from 'zod';

const optionalString = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()));

const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

/**
 * Every variable the gateway reads, with what it means (`description`) and, where the schema has no
 * default, what happens when it is unset (`unset`). docs/reference.md's configuration table is
 * generated from this (`npm run docs:reference`), so the meaning lives next to the variable.
 */
export const envSchema = z.object({
  PORT: port(4000).meta({ description: 'HTTP port for GraphQL (HTTP and WebSocket), REST and the pages' }),
  PUBLIC_URL: optionalString.pipe(httpUrl.optional()).meta({
    description: "base of the return and cancel URLs handed to Stripe: the address customers' browsers reach",
    unset: '`http://localhost:$PORT`',
  }),
  DATABASE_URL: optionalString
    .pipe(
      z
        .string()
        .regex(/^(mysql|mariadb|sqlite|file):/, 'must be mysql://user:pass@host:3306/db or sqlite:<path>')
        .optional(),
    )
    .meta({
      description: '`mysql://user:pass@host:3306/db` (or `mariadb://`) for MySQL/MariaDB; `sqlite:<path>` for the embedded SQLite',
      unset: '`sqlite:data/gateway.sqlite`',
    }),
  REDIS_URL: optionalString.pipe(z.string().regex(/^rediss?:\/\//, 'must be redis://host:6379').optional()).meta({
    description: '`redis://host:6379`: payment updates and key rotations fan out across instances, rate limits count together',
    unset: 'in-process',
  }),
  STRIPE_SECRET_KEY: optionalString
    .pipe(z.string().regex(/^(sk|rk)_(test|live)_/, 'must be a Stripe secret key (sk_test_… or sk_live_…)').optional())
    .meta({ description: 'a real Stripe key (`sk_test_…`, `sk_live_…`, `rk_…`)', unset: 'sandbox mode' }),
  STRIPE_API_URL: optionalString.pipe(httpUrl.optional()).meta({
    description: 'base URL of a Stripe-compatible API (a standalone emulator); in sandbox mode no in-process emulator is started then',
    unset: "Stripe's own",
  }),
  STRIPE_WEBHOOK_SECRET: optionalString.pipe(z.string().startsWith('whsec_', 'must start with whsec_').optional()).meta({
    description: '`whsec_…`: verifies Stripe-Signature on webhooks (in sandbox mode, also signs the emulator\'s deliveries)',
    unset: 'generated at start: in sandbox mode shared with the emulator; with real Stripe no webhook verifies, so set it',
  }),
  STRIPE_EMULATOR_PORT: port(12111).meta({ description: 'where the sandbox emulator listens, on 127.0.0.1 only' }),
  STRIPE_EMULATOR_WEBHOOK_URL: optionalString.meta({
    description: "where the sandbox emulator delivers events, comma-separated for several",
    unset: "this gateway's webhook route",
  }),
  STRIPE_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(100)
    .max(120_000)
    .default(10_000)
    .meta({ description: 'timeout of one call to Stripe (the SDK retries twice more, with the same idempotency key)' }),
  IDEMPOTENCY_WAIT_MS: z.coerce
    .number()
    .int()
    .min(0)
    .max(600_000)
    .default(60_000)
    .meta({ description: 'how long a repeat waits for the first request with its Idempotency-Key before `IDEMPOTENCY_CONFLICT`' }),
  IDEMPOTENCY_STALE_AFTER_MS: z.coerce
    .number()
    .int()
    .min(1000)
    .max(3_600_000)
    .default(120_000)
    .meta({ description: 'a first request silent this long died; a repeat takes it over' }),
  RECONCILER_ENABLED: z
    .enum(['true', 'false'])
    .default('true')
    .meta({ description: 'run the reconciler in this instance (at start-up, then every interval)' }),
  RECONCILER_INTERVAL_MS: z.coerce.number().int().min(100).max(86_400_000).default(60_000).meta({ description: 'time between reconciler passes' }),
  RECONCILER_PROCESSING_AFTER_MS: z.coerce
    .number()
    .int()
    .min(0)
    .max(86_400_000)
    .default(60_000)
    .meta({ description: 'a PROCESSING payment untouched this long had its creation interrupted: the reconciler takes it up' }),
  RECONCILER_PENDING_STALE_AFTER_MS: z.coerce
    .number()
    .int()
    .min(0)
    .max(86_400_000)
    .default(900_000)
    .meta({ description: 'a PENDING payment without news this long is synced from Stripe (and then only that often)' }),
  RATE_LIMIT_PER_KEY_PER_MINUTE: z.coerce
    .number()
    .int()
    .min(1)
    .default(1200)
    .meta({ description: 'requests per API key (counted by its hash) per minute, REST and GraphQL together' }),
  RATE_LIMIT_PER_IP_PER_MINUTE: z.coerce
    .number()
    .int()
    .min(1)
    .default(3000)
    .meta({ description: "requests per client address per minute (Stripe's webhooks are not limited)" }),
  RATE_LIMIT_REDIRECTS_PER_IP_PER_MINUTE: z.coerce.number().int().min(1).default(120).meta({
    description: "the customer's return and cancel links per client address per minute, counted apart from the API (a browser needs one or two per payment)",
  }),
  WS_MAX_SOCKETS_PER_KEY: z.coerce.number().int().min(1).default(500).meta({
    description: "open WebSockets per API key, per instance (a shop's customers share its publishable key); more are closed with 4029",
  }),
  WS_MAX_SOCKETS_PER_ADDRESS: z.coerce.number().int().min(1).default(100).meta({
    description: 'open WebSockets per client address, per instance, counted before `connection_init`; more are closed with 4029',
  }),
  WS_MAX_OPERATIONS_PER_SOCKET: z.coerce.number().int().min(1).default(100).meta({
    description: 'operations running at once on one socket; more get `RATE_LIMITED`',
  }),
  METRICS_TOKEN: optionalString.meta({
    description: 'bearer token that `GET /metrics` requires',
    unset: '`/metrics` answers only on the loopback address',
  }),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(100).max(600_000).default(10_000).meta({
    description: 'after SIGTERM or SIGINT: in-flight requests finish within this, then connections are cut and the process exits 0',
  }),
  CURSOR_SECRET: optionalString.pipe(z.string().min(32, 'must be at least 32 characters (e.g. openssl rand -hex 32)').optional()).meta({
    description: 'keys the opaque paging cursors (at least 32 characters); the same on every instance',
    unset: 'derived from `STRIPE_SECRET_KEY` (in sandbox mode from the public emulator key: set it where cursors must not be readable)',
  }),
  CORS_ALLOWED_ORIGINS: optionalString.pipe(z.string().optional()).meta({
    description: 'comma-separated exact origins (`https://shop.example`) allowed to call `/graphql` and the payment routes from a browser',
    unset: 'no CORS headers',
  }),
  KEY_ROTATION_OVERLAP_HOURS: z.coerce
    .number()
    .min(0)
    .max(24 * 90)
    .default(24)
    .meta({ description: 'how long a rotated secret key keeps working' }),
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalString.pipe(httpUrl.optional()).meta({
    description: 'OTLP/HTTP collector base URL (spans go to `<endpoint>/v1/traces`)',
    unset: 'no tracing',
  }),
  OTEL_SERVICE_NAME: optionalString.meta({ description: 'service name on the spans', unset: '`graphql-payment-gateway`' }),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info')
    .meta({ description: 'pino log level' }),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development').meta({
    description:
      '`production` turns introspection, schema hints in errors, GraphiQL and stack traces off; `development` logs pretty lines at a terminal',
  }),
});

export type DatabaseConfig =
  | { dialect: 'mysql'; url: string }
  | { dialect: 'sqlite'; path: string };

export interface Config {
  port: number;
  /** Base of the URLs handed to Stripe (return and cancel); no trailing slash. */
  publicUrl: string;
  database: DatabaseConfig;
  redisUrl: string | undefined;
  stripe: {
    /** Sandbox: no real key given, so the in-process emulator (or STRIPE_API_URL) stands in for Stripe. */
    sandbox: boolean;
    secretKey: string;
    /** Undefined means Stripe's own API. */
    apiUrl: string | undefined;
    /** Undefined in sandbox mode means "generate one and share it with the emulator". */
    webhookSecret: string | undefined;
    timeoutMs: number;
  };
  emulator: { port: number; webhookUrls: string[] | undefined };
  keyRotationOverlapHours: number;
  /**
   * After SIGTERM/SIGINT: how long in-flight requests get to finish. When it is over, open connections
   * are cut and the process exits 0 anyway.
   */
  shutdownGraceMs: number;
  idempotency: { waitForFirstMs: number; staleAfterMs: number };
  reconciler: { enabled: boolean; intervalMs: number; processingAfterMs: number; pendingStaleAfterMs: number };
  /** `redirectsPerIpPerMinute`: the customer's return and cancel links, counted apart from the API. */
  rateLimits: { perKeyPerMinute: number; perIpPerMinute: number; redirectsPerIpPerMinute: number };
  /** Open WebSockets this instance accepts per key and per client address, and operations per socket. */
  webSocketLimits: { maxSocketsPerKey: number; maxSocketsPerAddress: number; maxOperationsPerSocket: number };
  metricsToken: string | undefined;
  /**
   * Keys the sealing of `payments` cursors (payment-cursor.ts). CURSOR_SECRET when set, else the
   * Stripe secret key: both are the same on every instance, survive restarts and stay server-side.
   */
  cursorSecret: string;
  /** Browser origins allowed to call /graphql and the REST payment routes (CORS); empty: no CORS headers. */
  corsAllowedOrigins: string[];
  /** OpenTelemetry tracing (src/telemetry/tracing.ts); off while `otlpEndpoint` is undefined. */
  tracing: { otlpEndpoint: string | undefined; serviceName: string };
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  nodeEnv: z.infer<typeof envSchema>['NODE_ENV'];
}

/** The secret key the SDK presents to the emulator in sandbox mode. Not a secret: it opens nothing real. */
export const SANDBOX_STRIPE_KEY = 'sk_test_sandbox_emulator';

export class ConfigError extends Error {}

export interface LoadOptions {
  /**
   * The gateway needs a Stripe key in production; the command-line tools (migrate, merchant:create)
   * never talk to Stripe and run without one.
   */
  forTool?: boolean;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, options: LoadOptions = {}): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  // Sandbox mode (emulator with a public key, its fault switch, the demo shop) is for trying the
  // gateway, never for production: there a key is required, full stop. Production against a
  // standalone emulator is still possible with a test key: STRIPE_SECRET_KEY=sk_test_… and STRIPE_API_URL.
  if (e.NODE_ENV === 'production' && e.STRIPE_SECRET_KEY === undefined && !options.forTool) {
    throw new ConfigError(
      'Invalid configuration:\n  STRIPE_SECRET_KEY: required when NODE_ENV=production (sandbox mode, with its in-process ' +
        'Stripe emulator and demo shop, runs only outside production; to run against a standalone emulator, ' +
        'set STRIPE_SECRET_KEY=sk_test_… and STRIPE_API_URL)',
    );
  }
  const originProblem = originListProblem(e.CORS_ALLOWED_ORIGINS);
  if (originProblem) throw new ConfigError(`Invalid configuration:\n  CORS_ALLOWED_ORIGINS: ${originProblem}`);
  const sandbox = e.STRIPE_SECRET_KEY === undefined;
  return {
    port: e.PORT,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    database: parseDatabaseUrl(e.DATABASE_URL),
    redisUrl: e.REDIS_URL,
    stripe: {
      sandbox,
      secretKey: e.STRIPE_SECRET_KEY ?? SANDBOX_STRIPE_KEY,
      apiUrl: e.STRIPE_API_URL,
      webhookSecret: e.STRIPE_WEBHOOK_SECRET,
      timeoutMs: e.STRIPE_TIMEOUT_MS,
    },
    emulator: {
      port: e.STRIPE_EMULATOR_PORT,
      webhookUrls: e.STRIPE_EMULATOR_WEBHOOK_URL?.split(',').map((url) => url.trim()).filter(Boolean),
    },
    keyRotationOverlapHours: e.KEY_ROTATION_OVERLAP_HOURS,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    idempotency: { waitForFirstMs: e.IDEMPOTENCY_WAIT_MS, staleAfterMs: e.IDEMPOTENCY_STALE_AFTER_MS },
    metricsToken: e.METRICS_TOKEN,
    cursorSecret: e.CURSOR_SECRET ?? e.STRIPE_SECRET_KEY ?? SANDBOX_STRIPE_KEY,
    corsAllowedOrigins: parseOrigins(e.CORS_ALLOWED_ORIGINS),
    rateLimits: {
      perKeyPerMinute: e.RATE_LIMIT_PER_KEY_PER_MINUTE,
      perIpPerMinute: e.RATE_LIMIT_PER_IP_PER_MINUTE,
      redirectsPerIpPerMinute: e.RATE_LIMIT_REDIRECTS_PER_IP_PER_MINUTE,
    },
    webSocketLimits: {
      maxSocketsPerKey: e.WS_MAX_SOCKETS_PER_KEY,
      maxSocketsPerAddress: e.WS_MAX_SOCKETS_PER_ADDRESS,
      maxOperationsPerSocket: e.WS_MAX_OPERATIONS_PER_SOCKET,
    },
    reconciler: {
      enabled: e.RECONCILER_ENABLED === 'true',
      intervalMs: e.RECONCILER_INTERVAL_MS,
      processingAfterMs: e.RECONCILER_PROCESSING_AFTER_MS,
      pendingStaleAfterMs: e.RECONCILER_PENDING_STALE_AFTER_MS,
    },
    tracing: { otlpEndpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT, serviceName: e.OTEL_SERVICE_NAME ?? 'graphql-payment-gateway' },
    logLevel: e.LOG_LEVEL,
    nodeEnv: e.NODE_ENV,
  };
}

/**
 * Origins exactly as browsers send them (scheme://host[:port], no path, no trailing slash). No
 * wildcard: a page of any site could then drive a secret key pasted into it.
 */
function parseOrigins(list: string | undefined): string[] {
  return (list ?? '').split(',').map((origin) => origin.trim()).filter(Boolean);
}

function originListProblem(list: string | undefined): string | undefined {
  for (const origin of parseOrigins(list)) {
    let normalised: string | undefined;
    try {
      const url = new URL(origin);
      normalised = /^https?:$/.test(url.protocol) ? url.origin : undefined;
    } catch {
      normalised = undefined;
    }
    if (normalised !== origin) return `"${origin}" is not an origin; give comma-separated origins such as https://shop.example or http://localhost:3000 (no path, no trailing slash, no *)`;
  }
  return undefined;
}

function parseDatabaseUrl(url: string | undefined): DatabaseConfig {
  if (url === undefined) return { dialect: 'sqlite', path: 'data/gateway.sqlite' };
  if (url.startsWith('sqlite:')) return { dialect: 'sqlite', path: url.slice('sqlite:'.length).replace(/^\/\//, '') };
  if (url.startsWith('file:')) return { dialect: 'sqlite', path: url.slice('file:'.length) };
  return { dialect: 'mysql', url: url.replace(/^mariadb:/, 'mysql:') };
}
