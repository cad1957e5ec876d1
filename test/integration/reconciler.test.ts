import { startHarness, paymentInput, type Harness } from '../support/gateway-harness';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-database';
import { completeSession, eventsOfSession, listenToUpdates, untilLaterUpdateHeard, untilSubscriptionsActive, waitFor, wsClient } from '../support/checkout-kit';

const RECONCILE_AT_ONCE = { RECONCILER_PROCESSING_AFTER_MS: '0', RECONCILER_PENDING_STALE_AFTER_MS: '0' };

let db: ScratchDatabase;
let h: Harness;
beforeAll(async () => {
  db = await createScratchDatabase();
  h = await startHarness({ env: { DATABASE_URL: db.url, STRIPE_TIMEOUT_MS: '500', ...RECONCILE_AT_ONCE } });
});
afterAll(async () => {
  await h?.close();
  await db?.drop();
});
afterEach(() => h.emulator.resetFaults());

const read = async (ref: string) => (await h.rest('GET', `/api/v1/payment?ref=${ref}`)).body;
const allPayments = async () =>
  (await h.graphql('{ payments(first: 100) { edges { node { ref status providerSessionId events { from to source } } } } }')).data.payments.edges.map(
    (edge: any) => edge.node,
  );

/**
 * The emulator may still sit on requests the gateway gave up on; they finish later (and make sessions
 * nobody saw). The emulator holds every request for the same latency, in arrival order: once a probe
 * sent now, held as long and with no errors rolled, is answered, every earlier request has finished.
 */
async function untilEmulatorCaughtUp(latencyMs: number): Promise<void> {
  h.emulator.setFaults({ apiLatencyMs: latencyMs, apiErrorRate: 0 });
  await h.stripe.events.list({ limit: 1 });
}

describe('when Stripe is slow beyond the timeout and failing 30 % of the time', () => {
  it('creates answer within the bound with a clear code; once it recovers, one pass leaves nothing PROCESSING and no session orphaned', async () => {
    h.emulator.setFaults({ apiLatencyMs: 1500, apiErrorRate: 0.3 });
    const started = Date.now();
    const answers = await Promise.all(Array.from({ length: 10 }, () => h.rest('POST', '/api/v1/payment', { body: paymentInput() })));
    // The bound is a correctness promise (never hang), not a speed measurement: 3 tries of 0.5 s plus back-off.
    expect(Date.now() - started).toBeLessThan(10_000);
    for (const answer of answers) {
      expect([201, 503]).toContain(answer.status);
      if (answer.status === 503) expect(answer.body.error).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', ref: expect.stringMatching(/^pay_/) });
    }
    expect(answers.some((answer) => answer.status === 503)).toBe(true);

    await untilEmulatorCaughtUp(1500);
    h.emulator.resetFaults();
    const report = await h.gateway.reconciler.runOnce();
    expect(report.finished).toBeGreaterThan(0);

    const payments = await allPayments();
    expect(payments.filter((p: any) => p.status === 'PROCESSING')).toEqual([]);
    const sessions = (await h.stripe.checkout.sessions.list({ limit: 100 })).data;
    for (const session of sessions) {
      const owner = payments.find((p: any) => p.ref === session.client_reference_id);
      expect(owner?.providerSessionId).toBe(session.id);
    }
    for (const payment of payments) expect(sessions.filter((s) => s.client_reference_id === payment.ref)).toHaveLength(1);
  }, 30_000);
});

describe('when every webhook is dropped', () => {
  it('the reconciler still brings every paid payment to SUCCEEDED and notifies subscribers once', async () => {
    const created = await Promise.all(Array.from({ length: 3 }, async () => (await h.rest('POST', '/api/v1/payment', { body: paymentInput() })).body));
    const client = wsClient(h, h.merchant.secretKey);
    const updates = listenToUpdates(client, null, 'ref status');
    await untilSubscriptionsActive(h, 1);
    h.emulator.setFaults({ webhookDropRate: 1 });
    for (const payment of created) await completeSession(h, payment.providerSessionId, 'paid');
    // Each completion emitted its event, and the emulator dropped it: no webhook is on its way.
    for (const payment of created) {
      const events = await eventsOfSession(h, payment.providerSessionId);
      expect(events.map((event) => [event.type, event.pending_webhooks])).toEqual([['checkout.session.completed', 1]]);
    }
    for (const payment of created) expect((await read(payment.ref)).status).toBe('PENDING');

    await h.gateway.reconciler.runOnce();
    for (const payment of created) {
      const stored = await read(payment.ref);
      expect(stored.status).toBe('SUCCEEDED');
      expect(stored.events.filter((e: any) => e.to === 'SUCCEEDED')).toEqual([expect.objectContaining({ applied: true, from: 'PENDING' })]);
      expect(['RECONCILER']).toContain(stored.events.at(-1).source);
    }
    await waitFor(() => created.every((p) => updates.received.some((u) => u.ref === p.ref && u.status === 'SUCCEEDED')));
    await untilLaterUpdateHeard(client, { subscribedAt: h, activeNow: 1, secretKey: h.merchant.secretKey });
    for (const payment of created) expect(updates.received.filter((u) => u.ref === payment.ref)).toHaveLength(1);

    // A second pass finds nothing left to do.
    expect((await h.gateway.reconciler.runOnce()).eventsReplayed).toBe(0);
    await client.dispose();
  });
});

describe('several instances', () => {
  it('reconcile at the same moment without doing the same work twice', async () => {
    const second = await startHarness({ env: { DATABASE_URL: db.url, ...RECONCILE_AT_ONCE }, stripeApiUrl: h.emulatorUrl });
    try {
      h.emulator.setFaults({ apiErrorRate: 1 });
      const stuck = await Promise.all(Array.from({ length: 6 }, async () => (await h.rest('POST', '/api/v1/payment', { body: paymentInput() })).body.error.ref));
      h.emulator.resetFaults();

      const [a, b] = await Promise.all([h.gateway.reconciler.runOnce(), second.gateway.reconciler.runOnce()]);
      expect(a.finished + b.finished).toBe(stuck.length);
      for (const ref of stuck) {
        const stored = await read(ref);
        expect(stored.status).toBe('PENDING');
        expect(stored.events.filter((e: any) => e.to === 'PENDING')).toHaveLength(1);
        expect(stored.events.at(-1).source).toBe('RECONCILER');
      }
    } finally {
      await second.close();
    }
  }, 30_000);
});

describe('while Stripe hangs', () => {
  it('the gateway keeps answering reads: no database connection is held across a Stripe call', async () => {
    h.emulator.setFaults({ apiLatencyMs: 1200 });
    const creates = Promise.all(Array.from({ length: 30 }, () => h.rest('POST', '/api/v1/payment', { body: paymentInput() })));
    // More creates wait on Stripe than the pool has connections (10): were one held across the call, reads would starve.
    await waitFor(async () => (await allPayments()).filter((p: any) => p.status === 'PROCESSING').length > 10);
    const ready = await h.rest('GET', '/readyz', { key: null });
    expect(ready.status).toBe(200);
    const list = await h.graphql('{ payments(first: 5) { edges { node { ref } } } }');
    expect(list.errors).toBeUndefined();
    await creates;
  }, 30_000);
});

describe('the event replay lease', () => {
  let ownDb: ScratchDatabase;
  let own: Harness;
  beforeAll(async () => {
    ownDb = await createScratchDatabase();
    own = await startHarness({ env: { DATABASE_URL: ownDb.url, STRIPE_TIMEOUT_MS: '500' } });
  });
  afterAll(async () => {
    await own?.close();
    await ownDb?.drop();
  });

  it('a pass that outlived its lease does not release the lease another instance took meanwhile', async () => {
    const { createConnection } = await import('mysql2/promise');
    const sql = await createConnection({ uri: ownDb.url, timezone: 'Z' }); // the gateway stores UTC
    try {
      own.emulator.setFaults({ apiLatencyMs: 1500 }); // the replay's event listing hangs past the timeout
      const pass = own.gateway.reconciler.runOnce();
      const leaseRow = async () => ((await sql.query('select holder, lease_until from job_lease where name = ?', ['reconciler:event-replay'])) as any)[0][0];
      const taken = await waitFor(leaseRow);
      expect(taken.holder).not.toBe('');
      // Meanwhile its lease lapsed and another instance took it, for another minute.
      await sql.query("update job_lease set holder = 'another-instance', lease_until = date_add(utc_timestamp(3), interval 60 second) where name = ?", [
        'reconciler:event-replay',
      ]);
      await pass;
      const after = await leaseRow();
      expect(after.holder).toBe('another-instance');
      expect(after.lease_until.getTime()).toBeGreaterThan(Date.now() + 30_000);

      // Positive control: a pass that still holds its own lease frees it when done.
      own.emulator.resetFaults();
      await sql.query('update job_lease set lease_until = utc_timestamp(3) - interval 1 second where name = ?', ['reconciler:event-replay']);
      await own.gateway.reconciler.runOnce();
      const freed = await leaseRow();
      expect(freed.holder).toBe(taken.holder);
      expect(freed.lease_until.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
    } finally {
      await sql.end();
    }
  }, 30_000);
});

describe('Idempotency-Key records left behind by a request that died', () => {
  const STALE = 'date_sub(utc_timestamp(3), interval 10 minute)'; // past IDEMPOTENCY_STALE_AFTER_MS (2 min)

  async function withSql<T>(work: (sql: any) => Promise<T>): Promise<T> {
    const { createConnection } = await import('mysql2/promise');
    const sql = await createConnection({ uri: db.url, timezone: 'Z' });
    try {
      return await work(sql);
    } finally {
      await sql.end();
    }
  }
  const recordOf = (key: string) =>
    withSql(async (sql) => ((await sql.query('select state, response from idempotency_record where idempotency_key = ?', [key])) as any)[0][0]);
  /** What a crash mid-request leaves: the record running, untouched for a while, with no answer. */
  const abandon = (key: string) =>
    withSql((sql) => sql.query(`update idempotency_record set state = 'running', response = null, updated_at = ${STALE} where idempotency_key = ?`, [key]));
  const create = (key: string, body = paymentInput()) => h.rest('POST', '/api/v1/payment', { body, headers: { 'idempotency-key': key } });

  it('are settled by the reconciler without waiting for a repeat: the payment made is the answer, a payment never saved frees the key', async () => {
    const seed = Date.now();
    // 1. The payment was made (PENDING) but the request died before storing its answer.
    const madeKey = `made-${seed}`;
    const madeBody = paymentInput();
    const made = await create(madeKey, madeBody);
    expect(made.status).toBe(201);
    await abandon(madeKey);
    // 2. The request died before saving any payment.
    const lostKey = `lost-${seed}`;
    await withSql((sql) =>
      sql.query(
        `insert into idempotency_record (merchant_id, idempotency_key, request_hash, state, payment_ref, created_at, updated_at) values (?, ?, 'x', 'running', ?, ${STALE}, ${STALE})`,
        [h.merchant.id, lostKey, 'pay_neversaved00000000000000'],
      ),
    );
    // 3. The request died while Stripe was away: the payment is still PROCESSING.
    const processingKey = `processing-${seed}`;
    h.emulator.setFaults({ apiErrorRate: 1 });
    const processingBody = paymentInput();
    const unavailable = await create(processingKey, processingBody);
    expect(unavailable.status).toBe(503);
    h.emulator.resetFaults();
    await abandon(processingKey);
    // Positive control: a running record that is not stale belongs to a live request and is left alone.
    const liveKey = `live-${seed}`;
    await create(liveKey);
    await withSql((sql) => sql.query(`update idempotency_record set state = 'running', response = null where idempotency_key = ?`, [liveKey]));

    const report = await h.gateway.reconciler.runOnce();
    expect(report.idempotencySettled).toBeGreaterThanOrEqual(3);

    const settledMade = await recordOf(madeKey);
    expect(settledMade.state).toBe('done');
    expect(JSON.parse(typeof settledMade.response === 'string' ? settledMade.response : JSON.stringify(settledMade.response)).payment.ref).toBe(made.body.ref);
    expect(await recordOf(lostKey)).toBeUndefined();
    expect((await recordOf(processingKey)).state).not.toBe('running');
    expect((await recordOf(liveKey)).state).toBe('running');

    // The repeats are answered at once: the same payment, and a fresh one for the key that made nothing.
    const again = await create(madeKey, madeBody);
    expect(again.status).toBe(201);
    expect(again.body.ref).toBe(made.body.ref);
    const finished = await create(processingKey, processingBody);
    expect(finished.status).toBe(201);
    expect(finished.body).toMatchObject({ ref: unavailable.body.error.ref, status: 'PENDING' });
    await withSql((sql) => sql.query(`update idempotency_record set state = 'done', updated_at = utc_timestamp(3) where idempotency_key = ?`, [liveKey]));
  });

  it('are forgotten after 24 hours whatever their state', async () => {
    const key = `old-retryable-${Date.now()}`;
    await withSql((sql) =>
      sql.query(
        "insert into idempotency_record (merchant_id, idempotency_key, request_hash, state, payment_ref, created_at, updated_at) values (?, ?, 'x', 'retryable', 'pay_old000000000000000000000', date_sub(utc_timestamp(3), interval 25 hour), date_sub(utc_timestamp(3), interval 25 hour))",
        [h.merchant.id, key],
      ),
    );
    const recent = `recent-retryable-${Date.now()}`;
    await withSql((sql) =>
      sql.query(
        "insert into idempotency_record (merchant_id, idempotency_key, request_hash, state, payment_ref, created_at, updated_at) values (?, ?, 'x', 'retryable', 'pay_new000000000000000000000', utc_timestamp(3), utc_timestamp(3))",
        [h.merchant.id, recent],
      ),
    );
    await h.gateway.reconciler.runOnce();
    expect(await recordOf(key)).toBeUndefined();
    expect(await recordOf(recent)).toBeDefined();
  });
});
