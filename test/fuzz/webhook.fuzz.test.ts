/**
 * Fuzzing POST /api/v1/webhooks/stripe against one live gateway on a database of its own (so that
 * whatever a signed event might wrongly touch is this file's): random bodies with random, forged,
 * stale or mis-signed Stripe-Signature headers must be refused with 400 and change nothing, even
 * when they describe a real session as paid; correctly signed but odd events (not objects, missing
 * data, unknown types and statuses, unknown sessions) must never be a 5xx and never touch a payment.
 * The oracle is the database itself: no payment_event row from a webhook, no new payment, and the
 * reference payments exactly as they were.
 */
import { createHmac } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { createConnection, type Connection } from 'mysql2/promise';
import { startHarness, paymentInput, type Harness } from '../support/gateway-harness';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-database';
import {
  ACCEPTED_STATUSES,
  CONCURRENCY,
  expectAlive,
  expectAnswer,
  fcParams,
  fuzzSeeds,
  hostileString,
  jsonText,
  mapLimit,
  reportFile,
  send,
  UnhandledCollector,
  type SentRequest,
} from './fuzz-support';

jest.setTimeout(120_000);

let db: ScratchDatabase;
let sql: Connection;
let h: Harness;
const unhandled = new UnhandledCollector();
/** PENDING payments with open sessions: the targets a forged event would try to complete. */
let targets: { ref: string; session: string }[] = [];

beforeAll(async () => {
  unhandled.start();
  db = await createScratchDatabase();
  h = await startHarness({ env: { DATABASE_URL: db.url } });
  sql = await createConnection(db.url);
  for (let i = 0; i < 4; i += 1) {
    const created = await h.rest('POST', '/api/v1/payment', { body: paymentInput() });
    if (created.status !== 201) throw new Error(`could not create a target payment: ${JSON.stringify(created.body)}`);
    targets.push({ ref: created.body.ref, session: created.body.providerSessionId });
  }
});
afterAll(async () => {
  unhandled.stop();
  reportFile('webhook.fuzz.test.ts');
  await sql?.end();
  await h?.close();
  await db?.drop();
});

/** What a webhook could change: every payment's status and version, and the webhook-borne events. */
async function snapshot(): Promise<string> {
  const [payments] = await sql.query('select ref, status, version from payment order by id');
  const [events] = await sql.query("select count(*) as n from payment_event where source = 'WEBHOOK'");
  return JSON.stringify({ payments, events });
}

async function batch<T>(items: readonly T[], run: (item: T) => Promise<void>): Promise<void> {
  const before = await snapshot();
  const failures: unknown[] = [];
  await mapLimit(items, CONCURRENCY, async (item) => {
    try {
      await run(item);
    } catch (error) {
      failures.push(error);
    }
  });
  if (failures.length) throw failures[0];
  await expectAlive(h);
  const after = await snapshot();
  if (after !== before) throw new Error(`webhook requests changed the database:\n  before ${before}\n  after  ${after}`);
}

const now = () => Math.floor(Date.now() / 1000);
const hmac = (secret: string, payload: string) => createHmac('sha256', secret).update(payload).digest('hex');
const hex64 = fc.stringMatching(/^[0-9a-f]{64}$/);

// ---------------------------------------------------------------------------------------------
// Bodies

const CHECKOUT_TYPES = ['checkout.session.completed', 'checkout.session.async_payment_succeeded', 'checkout.session.async_payment_failed', 'checkout.session.expired'];
const eventType = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...CHECKOUT_TYPES) },
  { weight: 1, arbitrary: fc.constantFrom('payment_intent.succeeded', 'charge.refunded', 'checkout.session', 'CHECKOUT.SESSION.COMPLETED', '', 'checkout.session.completed ') },
  { weight: 1, arbitrary: hostileString() },
);

/** A plausible event about one of the targets, saying it was paid: what a forger would send. */
const forgedEvent = fc
  .tuple(fc.nat(), eventType, fc.constantFrom('complete', 'expired', 'open'), fc.constantFrom('paid', 'unpaid', 'no_payment_required'))
  .map(([n, type, status, paymentStatus]) => {
    const target = targets[n % targets.length];
    return JSON.stringify({
      id: `evt_forged_${n}`,
      object: 'event',
      api_version: '2026-10-28.endive',
      created: now(),
      type,
      data: { object: { id: target.session, object: 'checkout.session', status, payment_status: paymentStatus, client_reference_id: target.ref, url: null } },
    });
  });

const unsignedBody: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  { weight: 3, arbitrary: forgedEvent },
  { weight: 3, arbitrary: jsonText({ maxDepth: 4, huge: true }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 100 }) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }) },
  { weight: 1, arbitrary: fc.constantFrom('', '{', 'null', '[]', '{"type":"checkout.session.completed"}') },
  { weight: 1, arbitrary: fc.constantFrom(1_100_000).map((n) => `{"pad":"${'x'.repeat(n)}"}`) },
);

/** A Stripe-Signature header that must not verify for `body`. */
function badSignature(body: string | Uint8Array): fc.Arbitrary<string | null> {
  const text = typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
  return fc.oneof(
    fc.constant(null),
    fc.constantFrom('', ' ', 't=', 'v1=', 't=,v1=', 'garbage', 't=abc,v1=def', ',,,', '=', 't=1,t=2', `t=${'9'.repeat(40)},v1=${'a'.repeat(64)}`),
    fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 120 }),
    hex64.map((sig) => `t=${now()},v1=${sig}`),
    hex64.map((sig) => `t=${now()},v1=${sig},v1=${sig.split('').reverse().join('')}`),
    // Signed with another secret.
    fc.string({ minLength: 1, maxLength: 30 }).map((secret) => `t=${now()},v1=${hmac(`whsec_${secret}`, `${now()}.${text}`)}`),
    // The right secret but too old (Stripe's 300 s tolerance), a replay.
    fc.integer({ min: 301, max: 400_000 }).map((age) => {
      const t = now() - age;
      return `t=${t},v1=${hmac(h.webhookSecret, `${t}.${text}`)}`;
    }),
    // The right secret over something else: an altered body, another timestamp, the v0 scheme.
    fc.constantFrom(' ', '\n', 'x', '{}').map((suffix) => `t=${now()},v1=${hmac(h.webhookSecret, `${now()}.${text}${suffix}`)}`),
    fc.integer({ min: 1, max: 1_000 }).map((shift) => `t=${now()},v1=${hmac(h.webhookSecret, `${now() - shift}.${text}`)}`),
    fc.constant(null).map(() => `t=${now()},v0=${hmac(h.webhookSecret, `${now()}.${text}`)}`),
    fc.constant(null).map(() => `t=${now()},v1=${hmac(h.webhookSecret, `${now()}.${text}`).toUpperCase()}`),
    fc.constantFrom(17_000).map((n) => `t=${now()},v1=${'a'.repeat(n)}`),
  );
}

const CONTENT_TYPES = ['application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', null];

// ---------------------------------------------------------------------------------------------
// Signed but odd events: about sessions no payment knows (never a real target's)

/**
 * Values where a session id or ref goes: strings of all kinds, and values that are no string at all,
 * query operators included (`{"$ne": null}` once reached MikroORM as an operator and completed
 * whichever payment came first; see known-bugs.test.ts).
 */
const idValue = fc.oneof(
  fc.stringMatching(/^cs_test_fuzz[A-Za-z0-9]{0,20}$/).map((s) => JSON.stringify(s)),
  hostileString().map((s) => JSON.stringify(s)),
  fc.constantFrom('null', '""', '"pay_000000000000000000000000"'),
  fc.constantFrom('{"$ne":null}', '{"$gt":""}', '{"$in":["a"]}', '{"$like":"%"}', '["a","b"]', '123', 'true', '{}'),
);

const sessionObject = fc
  .tuple(idValue, fc.oneof(fc.constantFrom('"complete"', '"open"', '"expired"'), hostileString().map((s) => JSON.stringify(s)), fc.constant('null')), fc.oneof(fc.constantFrom('"paid"', '"unpaid"'), jsonText({ maxDepth: 1 })), idValue)
  .map(([id, status, paymentStatus, ref]) => `{"id":${id},"object":"checkout.session","status":${status},"payment_status":${paymentStatus},"client_reference_id":${ref}}`);

let eventCounter = 0;
const signedBody: fc.Arbitrary<() => string> = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(eventType, sessionObject).map(([type, object]) => () => `{"id":"evt_fuzz_${++eventCounter}","object":"event","type":${JSON.stringify(type)},"created":${now()},"data":{"object":${object}}}`) },
  { weight: 1, arbitrary: fc.tuple(eventType, jsonText({ maxDepth: 3 })).map(([type, data]) => () => `{"id":"evt_fuzz_${++eventCounter}","type":${JSON.stringify(type)},"data":${data}}`) },
  { weight: 1, arbitrary: jsonText({ maxDepth: 3 }).map((text) => () => text) },
);

const WEBHOOK = '/api/v1/webhooks/stripe';

describe.each(fuzzSeeds('webhook.fuzz.test.ts'))('webhook fuzz, $label', (seed) => {
  it('unsigned, forged, stale and mis-signed deliveries are 400 and change nothing', async () => {
    const delivery = unsignedBody.chain((body) =>
      fc.record({
        body: fc.constant(body),
        signature: badSignature(body),
        contentType: fc.constantFrom(...CONTENT_TYPES),
        // Stripe never compresses; a gzip body (or a lie about one) must still be refused cleanly.
        gzip: fc.oneof({ weight: 12, arbitrary: fc.constant<'no' | 'gzip' | 'lie'>('no') }, { weight: 1, arbitrary: fc.constantFrom<'no' | 'gzip' | 'lie'>('gzip', 'lie') }),
      }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(delivery, { minLength: 1, maxLength: 24, size: 'max' }), async (deliveries) => {
        await batch(deliveries, async ({ body, signature, contentType, gzip }) => {
          const request: SentRequest = {
            method: 'POST',
            path: WEBHOOK,
            headers: {
              ...(contentType !== null ? { 'content-type': contentType } : {}),
              ...(signature !== null ? { 'stripe-signature': signature } : {}),
              ...(gzip !== 'no' ? { 'content-encoding': 'gzip' } : {}),
            },
            body: gzip === 'gzip' ? new Uint8Array(gzipSync(body)) : body,
          };
          const answer = await send(h.gateway.url, request);
          expectAnswer(request, answer, ACCEPTED_STATUSES.webhookUnsigned, answer.status === 200 ? ['an unsigned delivery was accepted'] : []);
        });
      }),
      fcParams(seed, 30),
    );
  });

  it('signed but odd events are never a 5xx and never touch a payment', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(signedBody, { minLength: 1, maxLength: 24, size: 'max' }), async (bodies) => {
        await batch(bodies, async (makeBody) => {
          const body = makeBody();
          const t = now();
          const request: SentRequest = {
            method: 'POST',
            path: WEBHOOK,
            headers: { 'content-type': 'application/json', 'stripe-signature': `t=${t},v1=${hmac(h.webhookSecret, `${t}.${body}`)}` },
            body,
          };
          const answer = await send(h.gateway.url, request);
          const handling = answer.json?.handling;
          const extra =
            answer.status === 200 && handling !== 'unknown_payment' && handling !== 'unhandled_type'
              ? [`an event about no known session was handled as ${JSON.stringify(handling)}`]
              : [];
          expectAnswer(request, answer, ACCEPTED_STATUSES.webhookSigned, extra);
        });
      }),
      fcParams(seed, 30),
    );
  });
});

it('no unhandled promise rejection, uncaught exception or prototype pollution happened during the run', () => {
  expect(unhandled.problems()).toEqual([]);
});
