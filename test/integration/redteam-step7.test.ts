/**
 * RED TEAM (step 7, issue 11): holes still open after the step-7 fixes, each shown through the real
 * transport. Every test here FAILS on the code it was written against; it is meant to be turned into
 * a regression test (and renamed) once the hole is closed.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Stripe from 'stripe';
import { getIntrospectionQuery, parse, print, type OperationDefinitionNode, type FieldNode } from 'graphql';
import { startHarness, paymentInput, freePort, type Harness } from '../support/gateway-harness';
import { deliverWebhook, eventAbout } from '../support/checkout-kit';
import { startGatewayProcess } from '../support/gateway-process';

const ROOT = join(__dirname, '..', '..');

describe('RED TEAM: in-process gateway', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });
  afterEach(() => h.emulator.resetFaults());

  // The future-timestamp check reads the first `t=` with a 1–12 digit pattern; the SDK reads the
  // last `t=` with parseInt. Any header the two read differently passes a signature dated far ahead.
  it.each([
    ['leading zeros', (t: number, sig: string) => `t=000${t},v1=${sig}`],
    ['a decoy t= before the real one', (t: number, sig: string) => `t=${Math.floor(Date.now() / 1000)},t=${t},v1=${sig}`],
    ['a decimal timestamp', (t: number, sig: string) => `t=${t}.0,v1=${sig}`],
    ['a plus sign', (t: number, sig: string) => `t=+${t},v1=${sig}`],
  ])('a signature dated 30 days ahead is refused however its t= is written (%s)', async (_label, header) => {
    h.emulator.setFaults({ webhookDropRate: 1 });
    const created = await h.rest('POST', '/api/v1/payment', { body: paymentInput() });
    expect(created.status).toBe(201);
    const session = await h.stripe.checkout.sessions.retrieve(created.body.providerSessionId);
    const payload = eventAbout({ ...session, status: 'complete', payment_status: 'paid' } as Stripe.Checkout.Session, 'checkout.session.completed');
    const future = Math.floor(Date.now() / 1000) + 30 * 86_400;
    const signed = Stripe.webhooks.generateTestHeaderString({ payload, secret: h.webhookSecret, timestamp: future });
    const canonical = await deliverWebhook(h, payload, { signature: signed });
    expect(canonical.status).toBe(400); // holds: the canonical header is refused

    const response = await deliverWebhook(h, payload, { signature: header(future, signed.split('v1=')[1]) });
    expect(response.status).toBe(400);
    expect((await h.rest('GET', `/api/v1/payment?ref=${created.body.ref}`)).body.status).toBe('PENDING');
  });

  // README, "Hostile input": "GraphiQL's full introspection query passes, a dozen aliased copies do
  // not". Twelve pass (cost exactly 30 000, each copy's own fields free), without a key: ~400 KB.
  it('a dozen aliased copies of the full introspection query are refused (README), not answered with ~400 KB', async () => {
    const doc = parse(getIntrospectionQuery());
    const operation = doc.definitions[0] as OperationDefinitionNode;
    const schemaField = operation.selectionSet.selections[0] as FieldNode;
    const copies = Array.from({ length: 12 }, (_, i) => ({ ...schemaField, alias: { kind: 'Name', value: `s${i}` } }));
    const query = print({ ...doc, definitions: [{ ...operation, selectionSet: { ...operation.selectionSet, selections: copies } }, ...doc.definitions.slice(1)] } as any);
    const response = await fetch(`${h.gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'apollo-require-preflight': '1' },
      body: JSON.stringify({ query }),
    });
    const text = await response.text();
    expect({ status: response.status, bytes: text.length }).toEqual({ status: 400, bytes: expect.any(Number) });
    expect(JSON.parse(text).errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});

describe('RED TEAM: start-up and shutdown as a process', () => {
  // README: "a bad value stops start-up with a message naming it". A Stripe key shorter than 16
  // characters (the README's own `STRIPE_SECRET_KEY=sk_test_x`-style keys) with no CURSOR_SECRET
  // crashes with a bare stack trace from PaymentCursors instead.
  it('production with a short STRIPE_SECRET_KEY and no CURSOR_SECRET stops with a message naming the variable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'redteam-'));
    try {
      const child = spawn(process.execPath, ['-r', join(ROOT, 'test/support/swc-register.js'), join(ROOT, 'src/index.ts')], {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH ?? '',
          NODE_ENV: 'production',
          STRIPE_SECRET_KEY: 'sk_test_x',
          STRIPE_API_URL: 'http://127.0.0.1:9',
          PORT: String(await freePort()),
          DATABASE_URL: `sqlite:${dir}/gateway.sqlite`,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout!.on('data', (c) => (output += c));
      child.stderr!.on('data', (c) => (output += c));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(code).toBe(1);
      expect(output).toMatch(/Invalid configuration/);
      expect(output).toMatch(/CURSOR_SECRET|STRIPE_SECRET_KEY/);
      expect(output).not.toMatch(/\n\s+at /); // no stack trace
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);

  // README, "Graceful shutdown": SIGTERM lets in-flight requests finish. Under keep-alive load,
  // requests that arrive on already-open connections during the drain are executed (the payment is
  // created) and then their connection is cut: the merchant never learns the ref it was given.
  it('every payment created while SIGTERM drains was answered to its caller', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'redteam-'));
    const env = (port: number) => ({
      NODE_ENV: 'development',
      PORT: String(port),
      STRIPE_EMULATOR_PORT: '0',
      DATABASE_URL: `sqlite:${dir}/gateway.sqlite`,
      RECONCILER_ENABLED: 'false',
    });
    try {
      const first = await startGatewayProcess(env(await freePort()), 30_000);
      const key = /"secretKey":"(sk_gw_[A-Za-z0-9]+)"/.exec(first.output())![1];
      const answered = new Set<string>();
      let stopping = false;
      const worker = async (w: number) => {
        for (let i = 0; !stopping; i++) {
          const orderId = `rt-${w}-${i}`;
          try {
            const res = await fetch(`${first.url}/api/v1/payment`, {
              method: 'POST',
              headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
              body: JSON.stringify(paymentInput({ orderId })),
            });
            if (res.status === 201) answered.add(orderId);
            await res.text();
          } catch {
            if (stopping) return;
            await new Promise((r) => setTimeout(r, 20)); // refused during the drain: try again
          }
        }
      };
      const workers = Array.from({ length: 20 }, (_, w) => worker(w));
      await new Promise((r) => setTimeout(r, 2000));
      const code = await first.stop('SIGTERM');
      stopping = true;
      await Promise.all(workers);
      expect(code).toBe(0);

      // Read back what the first process stored.
      const second = await startGatewayProcess(env(await freePort()), 30_000);
      const stored: string[] = [];
      let after: string | null = null;
      for (;;) {
        const res = await fetch(`${second.url}/graphql`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ query: 'query($a:String){ payments(first:100, after:$a){ edges { node { orderId } } pageInfo { hasNextPage endCursor } } }', variables: { a: after } }),
        });
        const page = ((await res.json()) as any).data.payments;
        stored.push(...page.edges.map((e: any) => e.node.orderId));
        if (!page.pageInfo.hasNextPage) break;
        after = page.pageInfo.endCursor;
      }
      await second.stop('SIGTERM');
      const unanswered = stored.filter((orderId) => orderId.startsWith('rt-') && !answered.has(orderId));
      expect({ created: stored.length, unanswered }).toEqual({ created: stored.length, unanswered: [] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
