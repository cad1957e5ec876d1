/**
 * Redis goes away under a running gateway, then comes back: a throwaway redis-server of the test's
 * own on a free port, killed (SIGKILL) and started again on the same port.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import Redis from 'ioredis';
import { createLogger } from '../../src/logger';
import { hashKey } from '../../src/services/merchants/merchant.service';
import { freePort, paymentInput, startHarness, type Harness } from '../support/gateway-harness';
import { completeSession, listenToUpdates, waitFor, wsClient } from '../support/checkout-kit';

function startRedisServer(port: number): ChildProcess {
  return spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
}

const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

const OUTAGE_STARTS = 'Redis does not answer: rate limits are counted by each instance on its own until it does';
const OUTAGE_ENDS = 'Redis answers again: rate limits are counted in Redis again, across instances';

describe('Redis down, then back', () => {
  let h: Harness;
  let redisPort: number;
  let redis: ChildProcess;
  const logLines: { level: number; msg: string }[] = [];

  beforeAll(async () => {
    redisPort = await freePort();
    redis = startRedisServer(redisPort);
    await waitFor(() => accepts(redisPort));
    const logger = createLogger('debug', { write: (line: string) => void logLines.push(JSON.parse(line)) });
    h = await startHarness({ env: { REDIS_URL: `redis://127.0.0.1:${redisPort}`, RATE_LIMIT_PER_KEY_PER_MINUTE: '10' }, logger });
  });
  afterAll(async () => {
    await h?.close();
    redis?.kill('SIGKILL');
  });

  const metric = async (pattern: RegExp): Promise<number> => {
    const text = await (await fetch(`${h.gateway.url}/metrics`)).text();
    const match = text.match(pattern);
    return match ? Number(match[1]) : NaN;
  };

  it('keeps answering (never 500), limits per instance, reports redis down in /readyz and the metrics; back to Redis when it returns', async () => {
    const up = await h.rest('GET', '/readyz', { key: null });
    expect(up.status).toBe(200);
    expect(up.body).toMatchObject({ status: 'ready', checks: { database: 'up', redis: 'up' } });

    // A subscriber on this instance, before the outage.
    const merchant = await h.newMerchant();
    const created = await h.rest('POST', '/api/v1/payment', { body: paymentInput(), key: merchant.secretKey });
    expect(created.status).toBe(201);
    const listener = listenToUpdates(wsClient(h, merchant.secretKey), created.body.ref);
    // Its connection_init is one request for the key too: let it be counted in Redis, before the outage.
    await waitFor(async () => (await metric(/^gateway_subscriptions_active (\d+)/m)) >= 1);

    redis.kill('SIGKILL');
    await new Promise((resolve) => redis.once('exit', resolve));

    const degraded = await waitFor(async () => {
      const ready = await h.rest('GET', '/readyz', { key: null });
      return ready.body.checks.redis === 'down' && ready;
    });
    expect(degraded.status).toBe(200);
    expect(degraded.body).toMatchObject({ status: 'degraded', checks: { database: 'up', redis: 'down' } });

    // Every call keeps working, over REST and GraphQL; the 10 per minute still hold, counted here.
    for (let i = 0; i < 4; i++) {
      expect((await h.rest('POST', '/api/v1/payment', { body: paymentInput(), key: merchant.secretKey })).status).toBe(201);
      const listed = await h.graphql('{ payments(first: 1) { edges { node { ref } } } }', {}, merchant.secretKey);
      expect(listed.status).toBe(200);
      expect(listed.errors).toBeUndefined();
    }
    // 1 create and the socket's connection_init before the outage went to Redis; 8 here went to this
    // process: 2 more pass, then 429.
    expect((await h.rest('POST', '/api/v1/payment', { body: paymentInput(), key: merchant.secretKey })).status).toBe(201);
    expect((await h.rest('POST', '/api/v1/payment', { body: paymentInput(), key: merchant.secretKey })).status).toBe(201);
    const refused = await h.rest('POST', '/api/v1/payment', { body: paymentInput(), key: merchant.secretKey });
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('RATE_LIMITED');

    // The subscriber on this instance still hears an update made here.
    await completeSession(h, created.body.providerSessionId);
    expect((await listener.nth(1)).status).toBe('SUCCEEDED');
    await listener.close();

    expect(await metric(/^gateway_rate_limit_fallback_total (\d+)/m)).toBeGreaterThanOrEqual(11);
    expect(await metric(/^gateway_dependency_up\{dependency="redis"\} (\d+)/m)).toBe(0);
    expect(logLines.filter((line) => line.msg === OUTAGE_STARTS)).toHaveLength(1); // once per outage, not per request
    expect(logLines.find((line) => line.msg === OUTAGE_STARTS)!.level).toBeGreaterThanOrEqual(40);

    // Redis back on the same port: ready again, and counting in Redis again.
    redis = startRedisServer(redisPort);
    await waitFor(() => accepts(redisPort));
    const ready = await waitFor(async () => {
      const answer = await h.rest('GET', '/readyz', { key: null });
      return answer.body.checks.redis === 'up' && answer;
    }, 15_000);
    expect(ready.body).toMatchObject({ status: 'ready', checks: { database: 'up', redis: 'up' } });

    const other = await h.newMerchant();
    const inspector = new Redis(redisPort, '127.0.0.1');
    try {
      await waitFor(async () => {
        expect((await h.rest('POST', '/api/v1/payment', { body: paymentInput(), key: other.secretKey })).status).toBe(201);
        return (await inspector.get(`gateway:rate:key:${hashKey(other.secretKey)}`)) !== null;
      });
    } finally {
      inspector.disconnect();
    }
    expect(await metric(/^gateway_dependency_up\{dependency="redis"\} (\d+)/m)).toBe(1);
    expect(logLines.filter((line) => line.msg === OUTAGE_ENDS)).toHaveLength(1);
  }, 60_000);
});
