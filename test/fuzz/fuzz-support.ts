/**
 * Shared pieces of the fuzz suite (test/fuzz/*.test.ts): seeds and run counts, the status and
 * error-code sets a hostile request may get, the checks every answer goes through, a small
 * concurrency pool, the unhandled-rejection collector, and the generators of hostile values.
 *
 * Reproducing a failure: every file runs each property with FIXED_SEED and with one random seed,
 * printed once per file as `fuzz seed: N`. `FUZZ_SEED=N npx jest test/fuzz` runs that seed alone;
 * `FUZZ_RUNS=K` sets fast-check's numRuns (one run = one batch of requests) of every property.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import { Script } from 'node:vm';
import fc from 'fast-check';
import type { Harness } from '../support/gateway-harness';

// ---------------------------------------------------------------------------------------------
// Seeds and runs

export const FIXED_SEED = 20_240_605;

/**
 * The random seed of this jest run: derived from the run's own database name (unique per run and
 * shared by every test file), so all fuzz files of one run print the same seed; FUZZ_SEED forces it.
 */
function randomSeed(): number {
  const name = process.env.TEST_DATABASE_NAME;
  if (!name) return Math.floor(Math.random() * 2 ** 31);
  return createHash('sha256').update(name).digest().readUInt32BE(0) & 0x7fffffff;
}

export interface FuzzSeed {
  label: string;
  seed: number;
}

/** [fixed, random], or the one FUZZ_SEED; the random one is printed once per file. */
export function fuzzSeeds(file: string): FuzzSeed[] {
  const forced = process.env.FUZZ_SEED;
  if (forced !== undefined && forced !== '') {
    const seed = Number(forced);
    if (!Number.isSafeInteger(seed)) throw new Error(`FUZZ_SEED must be an integer, got ${forced}`);
    console.log(`fuzz seed: ${seed} (forced by FUZZ_SEED; ${file})`);
    return [{ label: `seed ${seed} (FUZZ_SEED)`, seed }];
  }
  const seed = randomSeed();
  console.log(`fuzz seed: ${seed} (random; also runs the fixed seed ${FIXED_SEED}; reproduce with FUZZ_SEED=${seed}; ${file})`);
  return [
    { label: `fixed seed ${FIXED_SEED}`, seed: FIXED_SEED },
    { label: `random seed ${seed}`, seed },
  ];
}

/** numRuns of a property: FUZZ_RUNS when set, else the property's own default. */
export function numRuns(defaultRuns: number): number {
  const forced = process.env.FUZZ_RUNS;
  if (forced === undefined || forced === '') return defaultRuns;
  const runs = Number(forced);
  if (!Number.isSafeInteger(runs) || runs < 1) throw new Error(`FUZZ_RUNS must be a positive integer, got ${forced}`);
  return runs;
}

/** fast-check parameters for one property under one seed. */
export function fcParams(seed: FuzzSeed, defaultRuns: number): fc.Parameters<unknown> {
  return {
    seed: seed.seed,
    numRuns: numRuns(defaultRuns),
    // Shrinking replays batches over the network: bounded, so a failure is reported in reasonable
    // time (with the smallest counterexample found so far) rather than after minutes.
    interruptAfterTimeLimit: 90_000,
    verbose: 0,
  };
}

/** Requests in flight at once against the one gateway of a file. */
export const CONCURRENCY = 8;

// ---------------------------------------------------------------------------------------------
// What a hostile request may get back

/**
 * Error codes a fuzzed request may carry back (REST `error.code`, GraphQL `errors[].extensions.code`).
 * - API.md's client-side codes: the caller's fault, refused cleanly.
 * - RATE_LIMITED: the rate limiter (the harness sets very high limits, so it should not show up).
 * - Apollo's own request-level codes for documents that never reach a resolver: parse and
 *   validation failures (our depth/alias/cost limits answer GRAPHQL_VALIDATION_FAILED, the token
 *   limit GRAPHQL_PARSE_FAILED), BAD_REQUEST (CSRF prevention, batching off, malformed GraphQL
 *   HTTP requests, mutations over GET), PERSISTED_QUERY_NOT_FOUND (an APQ hash we never saw) and
 *   PERSISTED_QUERY_NOT_SUPPORTED (what Apollo answers to any APQ extension once persisted queries
 *   are off, as they now are in src/server.ts), and
 *   OPERATION_RESOLUTION_FAILURE (an operationName the document does not define, or several
 *   operations and no name; Apollo's code, which src/graphql/graphql-errors.ts passes through
 *   but API.md does not list).
 * Not accepted: INTERNAL_SERVER_ERROR, PROVIDER_ERROR, PROVIDER_UNAVAILABLE (server or Stripe
 * faults: a hostile input must never produce one), and any code not in this list.
 */
export const ACCEPTED_ERROR_CODES: ReadonlySet<string> = new Set([
  'BAD_USER_INPUT',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'PAYMENT_NOT_FOUND',
  'NOT_FOUND', // a path no route serves
  'INVALID_PAYMENT_STATE',
  'ORDER_CONFLICT',
  'IDEMPOTENCY_CONFLICT',
  'RATE_LIMITED',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

/**
 * HTTP statuses a fuzzed request may get, per door. Every 4xx must carry a code from
 * ACCEPTED_ERROR_CODES in a JSON body, except 431 (Node's HTTP parser refusing a request line or
 * headers over 16 KB before any of our code runs: no body at all). 5xx never.
 */
export const ACCEPTED_STATUSES = {
  /** POST /api/v1/payment: created, invalid, no/unknown key, publishable key, order or idempotency conflict, body over 256 kB, rate limited. */
  create: new Set([201, 400, 401, 403, 409, 413, 429]),
  /** GET /api/v1/payment?ref= and POST /api/v1/payment/expire?ref= (and unknown /api/v1 routes: 404 BAD_USER_INPUT). */
  byRef: new Set([200, 400, 401, 403, 404, 409, 429, 431]),
  /** /graphql: 200 with data and/or errors; 400 request errors (parse, validation, CSRF, batching, bad JSON); 405 mutation over GET; 413 body over 256 kB; 429. */
  graphql: new Set([200, 400, 405, 413, 429, 431]),
  /** POST /api/v1/webhooks/stripe without a valid signature: 400 only (413 past the 1 MB cap, 431 for a Stripe-Signature over 16 KB). */
  webhookUnsigned: new Set([400, 413, 431]),
  /** A correctly signed but odd event: handled or ignored (200), or refused as unreadable (400). */
  webhookSigned: new Set([200, 400]),
} as const;

/** Statuses that carry no body by design. */
const BODYLESS_STATUSES = new Set([431]);

/** A request as sent, for failure messages (bodies cut to a readable length). */
export interface SentRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: any;
  /** True when the body parsed as JSON. */
  isJson: boolean;
  /** Set when the connection failed (the server dropped it, or never answered). */
  networkError?: string;
}

/**
 * One keep-alive agent for the suite: node:http is several times quicker per request than fetch
 * here, and sends what it is given (methods, raw paths, bytes) without normalising it.
 */
const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
let requestsSent = 0;
const startedAt = Date.now();

export async function send(baseUrl: string, request: SentRequest, attempt = 1): Promise<Answer> {
  requestsSent += 1;
  const url = new URL(baseUrl);
  return new Promise<Answer>((resolve) => {
    const fail = (error: Error & { code?: string }, reusedSocket: boolean) => {
      // A kept-alive socket the server closed meanwhile: Node's documented race, retried once.
      if (reusedSocket && attempt === 1 && (error.code === 'ECONNRESET' || error.code === 'EPIPE')) {
        requestsSent -= 1;
        resolve(send(baseUrl, request, 2));
        return;
      }
      resolve({ status: 0, headers: new Headers(), text: '', json: undefined, isJson: false, networkError: `${error.code ?? ''} ${error.message}` });
    };
    let req: http.ClientRequest;
    try {
      req = http.request({
        host: url.hostname,
        port: url.port,
        method: request.method,
        path: request.path,
        headers: request.headers,
        agent,
        timeout: 20_000,
      });
    } catch (error) {
      // Node refused to send it (an invalid header or path): a bug in the generator, not the server.
      throw new Error(`the request could not be sent (${(error as Error).message}): ${describeRequest(request)}`);
    }
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', (error) => fail(error, false));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const headers = new Headers();
        for (const [name, value] of Object.entries(res.headers)) {
          if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
        }
        let json: unknown = undefined;
        let isJson = false;
        try {
          json = JSON.parse(text);
          isJson = true;
        } catch {
          // not JSON
        }
        resolve({ status: res.statusCode ?? 0, headers, text, json, isJson });
      });
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('no answer within 20 s'), { code: 'TIMEOUT' })));
    req.on('error', (error) => fail(error, req.reusedSocket));
    req.end(request.body === undefined ? undefined : typeof request.body === 'string' ? Buffer.from(request.body, 'utf8') : Buffer.from(request.body));
  });
}

const cut = (text: string, max = 600) => (text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text);

export function describeRequest(request: SentRequest): string {
  const body =
    request.body === undefined
      ? ''
      : typeof request.body === 'string'
        ? `\n  body: ${cut(JSON.stringify(request.body), 1500)}`
        : `\n  body (bytes): ${cut(Buffer.from(request.body).toString('hex'), 600)}`;
  const headers = Object.fromEntries(
    Object.entries(request.headers).map(([name, value]) => [name, /authorization/i.test(name) ? describeAuth(value) : cut(value, 200)]),
  );
  return `${request.method} ${cut(request.path, 600)}\n  headers: ${JSON.stringify(headers)}${body}`;
}

/** Keys never go into a failure message (the suite's log and output are checked for secrets). */
function describeAuth(value: string): string {
  return value.replace(/(sk_gw_|pk_gw_)[0-9A-Za-z]+/g, '$1<key>');
}

export function describeAnswer(answer: Answer): string {
  if (answer.networkError) return `network error: ${answer.networkError}`;
  return `${answer.status} ${cut(answer.text, 800)}`;
}

/** The error codes an answer carries, whichever door's shape it has. */
export function errorCodes(answer: Answer): string[] {
  const body = answer.json;
  if (!body || typeof body !== 'object') return [];
  const codes: string[] = [];
  if (body.error && typeof body.error === 'object') codes.push(String(body.error.code));
  if (Array.isArray(body.errors)) for (const error of body.errors) codes.push(String(error?.extensions?.code));
  return codes;
}

/** Signs of internals leaking into an answer: stack frames, SQL, driver errors, Stripe or key material. */
const LEAK_PATTERNS: [string, RegExp][] = [
  ['a stack frame', /\bat [\w$.<>]+ \(?[^\s()]+\.(?:ts|js):\d+/],
  ['a source path', /\/(?:src|node_modules)\/[\w./-]+\.(?:ts|js)\b/],
  ['SQL', /\b(?:INSERT INTO|SELECT [\w`*]+ FROM|UPDATE `|sqlMessage|ER_[A-Z_]{4,})\b/],
  ['a Stripe or gateway secret', /\b(?:sk_(?:test|live)_[0-9A-Za-z_]{6,}|whsec_[0-9A-Za-z]{8,}|sk_gw_[0-9A-Za-z]{20,})/],
];

/**
 * The checks every fuzzed answer must pass, whatever the request: a reachable server, an accepted
 * status, a documented code on every error, a request id on errors, nothing internal leaked.
 * Returns the problems found (empty when the answer is fine).
 */
export function answerProblems(answer: Answer, accepted: ReadonlySet<number>): string[] {
  if (answer.networkError) return [`no answer: ${answer.networkError}`];
  const problems: string[] = [];
  if (answer.status >= 500) problems.push(`a ${answer.status} (server error)`);
  else if (!accepted.has(answer.status)) problems.push(`status ${answer.status} is not one of ${[...accepted].join(', ')}`);
  if (answer.status >= 400 && !BODYLESS_STATUSES.has(answer.status)) {
    const codes = errorCodes(answer);
    if (!answer.isJson) problems.push('an error answer that is not JSON');
    else if (codes.length === 0) problems.push('an error answer without an error code');
    for (const code of codes) if (!ACCEPTED_ERROR_CODES.has(code)) problems.push(`error code ${code} is not an accepted one`);
  }
  // GraphQL answers 200 with errors: the codes must be acceptable there too (INTERNAL_SERVER_ERROR
  // in a 200 is still a server error).
  if (answer.status < 400 && answer.isJson) {
    for (const code of errorCodes(answer)) if (!ACCEPTED_ERROR_CODES.has(code)) problems.push(`error code ${code} in a ${answer.status}`);
  }
  if (answer.status >= 400 && answer.isJson && answer.json?.error) {
    const requestId = answer.headers.get('x-request-id');
    if (!requestId || answer.json.error.requestId !== requestId) problems.push('a REST error without its requestId (= X-Request-Id)');
  }
  // Internals must not leak through errors (a 2xx may echo the caller's own data, URLs included).
  const errorText = answer.isJson ? JSON.stringify([answer.json?.error ?? null, answer.json?.errors ?? null]) : answer.status >= 400 ? answer.text : '';
  for (const [what, pattern] of LEAK_PATTERNS) if (pattern.test(errorText)) problems.push(`an error leaks ${what}`);
  return problems;
}

/**
 * Throws one readable error naming the request and the answer when anything is wrong, unless the
 * failure is a known, reported bug (KNOWN_BUGS) and FUZZ_STRICT is not set: then it is counted.
 */
export function expectAnswer(request: SentRequest, answer: Answer, accepted: ReadonlySet<number>, extra: string[] = []): void {
  tally(statusTally, String(answer.status || 'no answer'));
  for (const code of new Set(errorCodes(answer))) tally(codeTally, code);
  const problems = [...answerProblems(answer, accepted), ...extra];
  if (problems.length === 0) return;
  const known = process.env.FUZZ_STRICT ? undefined : KNOWN_BUGS.find((bug) => bug.matches(request, answer));
  if (known) {
    knownBugHits.set(known.id, (knownBugHits.get(known.id) ?? 0) + 1);
    return;
  }
  throw new Error(`${problems.join('; ')}\n  request: ${describeRequest(request)}\n  answer: ${describeAnswer(answer)}`);
}

// ---------------------------------------------------------------------------------------------
// Known bugs

/**
 * Bugs this suite found in code it may not change (reported; see each `where`). An answer that
 * matches one exactly is counted instead of failing the run, so the suite keeps guarding everything
 * else; known-bugs.test.ts pins each one with a `test.failing` that turns red once it is fixed, and
 * then its entry here must go. FUZZ_STRICT=1 ignores this list.
 */
export interface KnownBug {
  id: string;
  where: string;
  matches(request: SentRequest, answer: Answer): boolean;
}

export const KNOWN_BUGS: KnownBug[] = [
  // None open: each one found so far is fixed and kept as an ordinary test in known-bugs.test.ts.
];

/** How often each known bug showed up in this file's run. */
export const knownBugHits = new Map<string, number>();

const statusTally = new Map<string, number>();
const codeTally = new Map<string, number>();
const tally = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
const otherTally = new Map<string, number>();
/** Counts something a file wants to see in its report (e.g. GraphQL documents that reached execution). */
export const note = (label: string) => tally(otherTally, label);
const show = (map: Map<string, number>) => [...map].sort(([a], [b]) => a.localeCompare(b)).map(([key, n]) => `${key} ${n}`).join(', ');

/** Prints, once per file (in afterAll), how many requests were fuzzed in how long, what came back, and the known bugs seen. */
export function reportFile(file: string): void {
  const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
  const lines = [...knownBugHits].map(([id, count]) => `\n  known bug ${id}: ${count} time(s), tolerated (FUZZ_STRICT=1 fails on it)`);
  const other = otherTally.size ? `\n  ${show(otherTally)}` : '';
  console.log(`${file}: ${requestsSent} fuzzed requests in ${seconds} s\n  statuses: ${show(statusTally)}\n  codes: ${show(codeTally)}${other}${lines.join('')}`);
}

// ---------------------------------------------------------------------------------------------
// Running batches

/** Runs `fn` over `items`, at most `limit` at a time, keeping order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** The gateway still answers its liveness route (the process did not crash or wedge). */
export async function expectAlive(h: Harness): Promise<void> {
  const response = await fetch(`${h.gateway.url}/healthz`, { signal: AbortSignal.timeout(5_000) });
  if (response.status !== 200) throw new Error(`/healthz answered ${response.status} after a batch`);
}

/** Every ref of a merchant (newest first), read through the public `payments` query. */
export async function listRefs(h: Harness, secretKey: string): Promise<string[]> {
  const refs: string[] = [];
  let after: string | null = null;
  for (;;) {
    const page: any = await h.graphql(
      'query ($after: String) { payments(first: 100, after: $after) { edges { node { ref } } pageInfo { hasNextPage endCursor } } }',
      { after },
      secretKey,
    );
    if (page.errors) throw new Error(`listing payments failed: ${JSON.stringify(page.errors)}`);
    refs.push(...page.data.payments.edges.map((edge: { node: { ref: string } }) => edge.node.ref));
    if (!page.data.payments.pageInfo.hasNextPage) return refs;
    after = page.data.payments.pageInfo.endCursor;
  }
}

/** How many checkout sessions the emulator holds, newer than `marker` (a session id). */
export async function sessionsSince(h: Harness, marker: string): Promise<string[]> {
  const ids: string[] = [];
  let endingBefore = marker;
  for (;;) {
    const page = await h.stripe.checkout.sessions.list({ limit: 100, ending_before: endingBefore });
    ids.push(...page.data.map((session) => session.id));
    if (!page.has_more || page.data.length === 0) return ids;
    endingBefore = page.data[0].id;
  }
}

/** The newest session at the emulator (a marker for sessionsSince). */
export async function newestSession(h: Harness): Promise<string> {
  const page = await h.stripe.checkout.sessions.list({ limit: 1 });
  if (!page.data[0]) throw new Error('the emulator holds no session yet: create a payment first');
  return page.data[0].id;
}

/**
 * Checks that the payments a merchant holds are exactly the ones reported as created: a rejected
 * request left nothing behind, and nothing was created that no answer admitted to. Returns the refs
 * held.
 */
export async function expectOnlyReported(
  h: Harness,
  secretKey: string,
  reported: ReadonlySet<string>,
  context: string,
  allowance: {
    /** Payments accepted requests may have created without showing their ref (a GraphQL selection without `ref`). */
    unseenByDesign?: number;
    /** Payments a known bug creates without reporting them (see KNOWN_BUGS), at most this many. */
    knownBug?: { id: string; atMost: number };
  } = {},
): Promise<string[]> {
  const held = await listRefs(h, secretKey);
  const unreported = held.filter((ref) => !reported.has(ref));
  const missing = [...reported].filter((ref) => !held.includes(ref));
  const byDesign = allowance.unseenByDesign ?? 0;
  const byBug = process.env.FUZZ_STRICT ? 0 : (allowance.knownBug?.atMost ?? 0);
  if (!missing.length && unreported.length <= byDesign + byBug) {
    if (unreported.length > byDesign && allowance.knownBug) {
      knownBugHits.set(allowance.knownBug.id, (knownBugHits.get(allowance.knownBug.id) ?? 0) + unreported.length - byDesign);
    }
    return held;
  }
  throw new Error(
    `${context}: the merchant holds ${held.length} payment(s), ${reported.size} reported as created; ` +
      `never reported: ${unreported.join(', ') || 'none'}; reported but absent: ${missing.join(', ') || 'none'}`,
  );
}

// ---------------------------------------------------------------------------------------------
// Unhandled rejections in this process (the gateway runs in it)

/**
 * Collects unhandled promise rejections and uncaught exceptions of the real process. Jest swaps the
 * test's `process` for a copy with its own listeners, and installs its own handlers on the real
 * one when the run starts; so the collector must attach to the real process (reached through
 * vm.runInThisContext) and only after that (in beforeAll).
 */
export class UnhandledCollector {
  readonly seen: string[] = [];
  private readonly real = new Script('process').runInThisContext() as NodeJS.Process;
  private readonly pending = new Map<Promise<unknown>, string>();
  private readonly onRejection = (reason: unknown, promise: Promise<unknown>) => {
    this.pending.set(promise, describeError(reason));
  };
  private readonly onHandled = (promise: Promise<unknown>) => {
    this.pending.delete(promise);
  };
  private readonly onException = (error: unknown) => {
    this.seen.push(`uncaught exception: ${describeError(error)}`);
  };

  start(): void {
    this.real.on('unhandledRejection', this.onRejection);
    this.real.on('rejectionHandled', this.onHandled);
    this.real.on('uncaughtException', this.onException);
  }

  stop(): void {
    this.real.off('unhandledRejection', this.onRejection);
    this.real.off('rejectionHandled', this.onHandled);
    this.real.off('uncaughtException', this.onException);
  }

  /**
   * Everything seen so far (rejections handled late, within the same run, are not counted), and any
   * property that appeared on the built-in prototypes since this module loaded (prototype pollution:
   * the gateway runs in this realm, so its JSON parsing and validation share these prototypes).
   */
  problems(): string[] {
    const polluted = PROTOTYPES.flatMap(([name, proto, before]) =>
      Reflect.ownKeys(proto)
        .filter((key) => !before.includes(key))
        .map((key) => `${name} gained ${String(key)}`),
    );
    return [...this.seen, ...[...this.pending.values()].map((reason) => `unhandled rejection: ${reason}`), ...polluted];
  }
}

const PROTOTYPES: [string, object, (string | symbol)[]][] = [
  ['Object.prototype', Object.prototype, Reflect.ownKeys(Object.prototype)],
  ['Array.prototype', Array.prototype, Reflect.ownKeys(Array.prototype)],
  ['String.prototype', String.prototype, Reflect.ownKeys(String.prototype)],
  ['Function.prototype', Function.prototype, Reflect.ownKeys(Function.prototype)],
];

function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}\n${error.stack?.split('\n').slice(1, 6).join('\n') ?? ''}`;
  return String(error);
}

// ---------------------------------------------------------------------------------------------
// Hostile values

/** Strings built to break things: encodings, bidi and invisible characters, lone surrogates. */
export const NASTY_STRINGS = [
  '',
  ' ',
  '\t\n\r',
  '\u0000',
  'a\u0000b',
  '\u0007\u001b[31mred\u001b[0m',
  '\u0085\u009f',
  '\u200b',
  '\u200b\u200c\u200d\u2060\ufeff',
  '\u202eevil\u202c',
  'abc\u202edcba',
  '\u2066isolate\u2069',
  'مرحبا بالعالم',
  'שלום',
  'Z̴̡̨̛̖̗͉̈́̅ą̷̛̮͓͉̀l̶̢̛͎̰g̴̡̛̰͖ŏ̸̡̢̖',
  '👨‍👩‍👧‍👦',
  '🇫🇷🇩🇪',
  '\ud800',
  '\udfff',
  'a\ud83d',
  '\ude00b',
  '\ud83d\ude00',
  '\ufffd',
  '\uffff',
  '\u{10ffff}',
  'NaN',
  'Infinity',
  '-Infinity',
  'undefined',
  'null',
  'true',
  '0',
  '-0',
  '1e308',
  '9007199254740993',
  '0x10',
  '1_000',
  ' 42 ',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '{"$gt": ""}',
  "'; DROP TABLE payment; --",
  '" OR 1=1 --',
  '`sleep(5)`',
  '${7*7}',
  '{{7*7}}',
  '<script>alert(1)</script>',
  '../../etc/passwd',
  '%00',
  '%s%s%s%n',
  'javascript:alert(1)',
  'data:text/html,<b>x</b>',
  'http://',
  'https://user:pass@shop.example/',
  'https://shop.example/\\evil',
  'https://shop.example/a b',
  'https://shop.example/\u202e',
  'https://xn--80ak6aa92e.com/',
  'https:shop.example',
  'HTTPS://SHOP.EXAMPLE/',
  'buyer@example.com',
  'a@b',
  '@example.com',
  'a@@example.com',
  'pay_',
  'pay_000000000000000000000000',
  'pay_' + 'A'.repeat(36),
  'pay_' + 'A'.repeat(37),
];

/** Arbitrary strings of every kind: short random text in several alphabets, nasty ones, long and huge ones. */
export function hostileString(options: { huge?: boolean } = {}): fc.Arbitrary<string> {
  const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code));
  const mixedUnit = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 1 }),
    fc.string({ unit: 'grapheme', maxLength: 1 }),
    loneSurrogate,
    fc.constantFrom('\u200b', '\u202e', '\u0000', '\n', '"', '\\', '[', ']', '.', '%', '&', '=', '?', '#'),
  );
  const choices: fc.Arbitrary<string>[] = [
    fc.string({ maxLength: 20 }),
    fc.string({ unit: 'binary', maxLength: 30 }),
    fc.string({ unit: 'grapheme', maxLength: 20 }),
    fc.array(mixedUnit, { maxLength: 12 }).map((parts) => parts.join('')),
    fc.constantFrom(...NASTY_STRINGS),
    // Just over each limit the API states, and a bit under.
    fc
      .tuple(fc.constantFrom(39, 40, 41, 127, 128, 129, 249, 250, 251, 254, 255, 256, 499, 500, 501, 4999, 5000, 5001), fc.constantFrom('a', 'é', '😀', '\u200b', 'ﷺ'))
      .map(([length, char]) => char.repeat(length)),
  ];
  if (options.huge) {
    // A few hundred KB: bodies past the 256 kB cap must be refused with 413, not choke the server.
    choices.push(
      fc.tuple(fc.constantFrom(10_000, 60_000, 200_000, 270_000, 400_000), fc.constantFrom('x', 'é', '😀', '\ud800')).map(([length, char]) => char.repeat(length)),
    );
  }
  return fc.oneof(...choices);
}

/** JSON number texts that trip parsers: past 2^53, -0, 1e308 and past it (Infinity once parsed), tiny, many digits. */
export const NASTY_NUMBER_TEXTS = [
  '0',
  '-0',
  '-0.0',
  '1',
  '-1',
  '0.5',
  '1.0',
  '1e2',
  '1E+2',
  '2147483647',
  '2147483648',
  '-2147483649',
  '4294967296',
  '9007199254740991',
  '9007199254740992',
  '9007199254740993',
  '-9007199254740993',
  '18446744073709551616',
  '123456789012345678901234567890',
  '1e308',
  '-1e308',
  '1e309',
  '-1e400',
  '5e-324',
  '1e-400',
  '99999999',
  '100000000',
  '99999999.0000000001',
  '0.1e1',
];

/** A JSON number as text: nasty constants, random integers and doubles. */
export const numberText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...NASTY_NUMBER_TEXTS),
  fc.integer().map(String),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => JSON.stringify(d)),
);

/** Object keys: the schema's field names (and near misses), prototype-pollution names, random ones. */
export const KEY_NAMES = [
  'orderId',
  'currency',
  'lineItems',
  'successUrl',
  'cancelUrl',
  'customerEmail',
  'expiresInMinutes',
  'metadata',
  'name',
  'unitAmount',
  'quantity',
  'lineitems',
  'order_id',
  'amount',
  'ref',
  'status',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  '',
  ' ',
  'a[b]',
  '0',
  'length',
];

export function keyText(): fc.Arbitrary<string> {
  return fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...KEY_NAMES) }, { weight: 1, arbitrary: hostileString() });
}

/**
 * JSON texts of any shape, written out by hand so that anything goes: duplicate keys, `__proto__`
 * as an own key, numbers JSON.stringify would never write, lone surrogates as \u escapes.
 */
export function jsonText(options: { maxDepth?: number; huge?: boolean } = {}): fc.Arbitrary<string> {
  const { maxDepth = 4, huge = false } = options;
  const stringText = hostileString({ huge }).map((s) => JSON.stringify(s));
  const { value } = fc.letrec<{ value: string }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', maxDepth, withCrossShrink: true },
      fc.constantFrom('null', 'true', 'false'),
      numberText,
      stringText,
      fc.array(tie('value'), { maxLength: 5 }).map((items) => `[${items.join(',')}]`),
      fc.array(fc.tuple(keyText(), tie('value')), { maxLength: 6 }).map((entries) => objectText(entries)),
    ),
  }));
  return value;
}

export function objectText(entries: readonly (readonly [string, string])[]): string {
  return `{${entries.map(([key, value]) => `${JSON.stringify(key)}:${value}`).join(',')}}`;
}

/** Nesting far past any sane depth, as text: `[[[…]]]` or `{"a":{"a":…}}`. */
export function deepNestingText(depth: number, kind: 'array' | 'object', leaf = '1'): string {
  return kind === 'array' ? `${'['.repeat(depth)}${leaf}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}${leaf}${'}'.repeat(depth)}`;
}

/**
 * Writes `base` as JSON with the value at `path` replaced by the JSON text `replacement` (or the
 * key removed when it is undefined). Keys are set as own data properties, so `__proto__` is a key
 * like any other; missing containers on the way are created.
 */
export function replaceAt(base: unknown, path: readonly (string | number)[], replacement: string | undefined): string {
  const PLACEHOLDER = '\u0000fuzz-placeholder\u0000';
  const root = structuredClone(base) as Record<string, unknown>;
  if (path.length === 0) return replacement ?? '';
  let node: any = root;
  for (const step of path.slice(0, -1)) {
    let child = Object.getOwnPropertyDescriptor(node, step)?.value;
    if (child === null || typeof child !== 'object') {
      child = {};
      Object.defineProperty(node, step, { value: child, enumerable: true, writable: true, configurable: true });
    }
    node = child;
  }
  const last = path[path.length - 1];
  if (replacement === undefined) {
    if (Array.isArray(node) && typeof last === 'number') node.splice(last, 1);
    else delete node[last];
    return JSON.stringify(root);
  }
  Object.defineProperty(node, last, { value: PLACEHOLDER, enumerable: true, writable: true, configurable: true });
  const text = JSON.stringify(root);
  return text.replace(JSON.stringify(PLACEHOLDER), () => replacement);
}
