import { Writable } from 'node:stream';
import { createLogger } from '../../src/logger';
import { startHarness, paymentInput, type Harness } from '../support/gateway-harness';
import { completeSession, waitFor } from '../support/checkout-kit';

describe('what an operator sees of one payment', () => {
  const lines: Record<string, any>[] = [];
  const raw: string[] = [];
  let h: Harness;
  beforeAll(async () => {
    const sink = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) {
          raw.push(line);
          lines.push(JSON.parse(line));
        }
        done();
      },
    });
    h = await startHarness({ logger: createLogger('debug', sink) });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('a createPayment then its webhook: log lines share request ids and the ref, hold no secret; /metrics counts both', async () => {
    const created = await h.graphql(
      'mutation CreatePayment($input: CreatePaymentInput!) { createPayment(input: $input) { ref providerSessionId } }',
      { input: paymentInput() },
      h.merchant.secretKey,
      { 'x-request-id': 'merchant-req-42' },
    );
    const { ref, providerSessionId } = created.data.createPayment;
    await completeSession(h, providerSessionId, 'paid');
    await waitFor(() => lines.some((line) => line.paymentRef === ref && line.req?.url === '/api/v1/webhooks/stripe'));

    // The create: its access line, and the service lines written while serving it, share its id.
    const createLines = lines.filter((line) => line.requestId === 'merchant-req-42' || line.reqId === 'merchant-req-42');
    const access = createLines.find((line) => line.req?.url === '/graphql');
    expect(access).toMatchObject({ paymentRef: ref, operationName: 'CreatePayment', merchantId: h.merchant.id, res: { statusCode: 200 } });
    expect(typeof access!.responseTime).toBe('number');
    expect(createLines.length).toBeGreaterThan(1);

    // The webhook: its access line names the ref, and its service lines share its request id.
    const webhook = lines.find((line) => line.paymentRef === ref && line.req?.url === '/api/v1/webhooks/stripe')!;
    const webhookLines = lines.filter((line) => line.requestId === webhook.reqId);
    expect(webhookLines.some((line) => line.msg === 'provider event handled' && line.ref === ref)).toBe(true);

    // No secret anywhere.
    for (const line of raw) expect(line).not.toMatch(/sk_gw_|pk_gw_|whsec_|sk_test_|Bearer /);

    const metrics = await (await fetch(`${h.gateway.url}/metrics`)).text();
    expect(metrics).toMatch(/gateway_payment_transitions_total\{from="PENDING",to="SUCCEEDED",source="WEBHOOK"\} [1-9]/);
    expect(metrics).toMatch(/gateway_webhook_events_total\{type="checkout.session.completed",outcome="applied"\} [1-9]/);
    expect(metrics).toMatch(/gateway_provider_call_duration_seconds_count\{operation="create_checkout_session",outcome="ok"\} [1-9]/);
    expect(metrics).toMatch(/gateway_http_request_duration_seconds_count\{method="POST",route="graphql:CreatePayment",status="200"\} [1-9]/);
    expect(metrics).toMatch(/gateway_db_pool_connections\{state="used"\}/);
  });

  it('/metrics is refused to anyone but the loopback address unless METRICS_TOKEN is set', async () => {
    const guarded = await startHarness({ env: { METRICS_TOKEN: 'metrics-token-for-tests' } });
    try {
      expect((await fetch(`${guarded.gateway.url}/metrics`)).status).toBe(401);
      const allowed = await fetch(`${guarded.gateway.url}/metrics`, { headers: { authorization: 'Bearer metrics-token-for-tests' } });
      expect(allowed.status).toBe(200);
    } finally {
      await guarded.close();
    }
  });
});
