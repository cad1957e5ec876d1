/**
 * The WebSocket door keeps the HTTP door's controls: the same rate-limit buckets, caps on open
 * sockets per key and per address (close code 4029), and a socket whose key is revoked closed at
 * once (4403), on this instance and, through Redis, on every other.
 */
import { startHarness, type Harness } from '../support/gateway-harness';
import { waitFor } from '../support/checkout-kit';
import { gatewayClient, rawSocket, wsRun, type RawSocket } from '../support/ws-door';

const QUERY = '{ payments(first: 1) { pageInfo { hasNextPage } } }';

describe('rate limits: one budget for both doors (5 per key per minute)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { RATE_LIMIT_PER_KEY_PER_MINUTE: '5', RATE_LIMIT_PER_IP_PER_MINUTE: '1000000' } });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('limits queries over a socket after the HTTP budget (its connection counts as one), RATE_LIMITED with retryAfter, the socket open', async () => {
    const { secretKey } = await h.newMerchant();
    const client = gatewayClient(h.gateway.url, secretKey);
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await wsRun(client, QUERY)); // the connection is the 1st request
    expect(answers.slice(0, 4).map((answer) => answer.errors)).toEqual([undefined, undefined, undefined, undefined]);
    for (const limited of answers.slice(4)) {
      expect(limited.errors?.[0].extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfter: expect.any(Number) });
      expect(limited.closeCode).toBeUndefined();
    }
    // Another key, from the same address, still has its budget.
    const other = gatewayClient(h.gateway.url, (await h.newMerchant()).secretKey);
    expect((await wsRun(other, QUERY)).errors).toBeUndefined();
    await Promise.all([client.dispose(), other.dispose()]);
  });

  it('counts HTTP and WebSocket in the same buckets: HTTP spent, the socket refused', async () => {
    const { secretKey } = await h.newMerchant();
    const client = gatewayClient(h.gateway.url, secretKey);
    expect((await wsRun(client, QUERY)).errors).toBeUndefined(); // connection + 1
    for (let i = 0; i < 3; i++) expect((await h.graphql(QUERY, {}, secretKey)).status).toBe(200);
    expect((await wsRun(client, QUERY)).errors?.[0].extensions?.code).toBe('RATE_LIMITED');
    await client.dispose();
  });

  it('counts HTTP and WebSocket in the same buckets: the socket spent, HTTP refused 429', async () => {
    const { secretKey } = await h.newMerchant();
    const client = gatewayClient(h.gateway.url, secretKey);
    for (let i = 0; i < 4; i++) expect((await wsRun(client, QUERY)).errors).toBeUndefined();
    const refused = await h.graphql(QUERY, {}, secretKey);
    expect(refused.status).toBe(429);
    expect(refused.errors?.[0].extensions.code).toBe('RATE_LIMITED');
    await client.dispose();
  });

  it('closes a connection_init past the budget with 4029, a spent key cannot open sockets to guess on', async () => {
    const { secretKey } = await h.newMerchant();
    for (let i = 0; i < 5; i++) expect((await h.graphql(QUERY, {}, secretKey)).status).toBe(200);
    const socket = rawSocket(h.gateway.url, secretKey);
    expect(await socket.outcome).toBe(4029);
  });
});

describe('open sockets: at most 2 per key and 4 per address', () => {
  let h: Harness;
  const open: RawSocket[] = [];
  beforeAll(async () => {
    h = await startHarness({ env: { WS_MAX_SOCKETS_PER_KEY: '2', WS_MAX_SOCKETS_PER_ADDRESS: '4' } });
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((socket) => socket.close()));
  });
  afterAll(async () => {
    await h?.close();
  });
  const connect = (key: string) => {
    const socket = rawSocket(h.gateway.url, key);
    open.push(socket);
    return socket;
  };

  it('closes a key’s third socket with 4029; another key’s socket is accepted', async () => {
    const [a, b] = [await h.newMerchant(), await h.newMerchant()];
    expect(await connect(a.publishableKey).outcome).toBe('ack');
    expect(await connect(a.publishableKey).outcome).toBe('ack');
    expect(await connect(a.publishableKey).outcome).toBe(4029);
    expect(await connect(b.publishableKey).outcome).toBe('ack');
  });

  it('closes an address’s fifth socket with 4029, keys or not; once one closes, a new one is accepted', async () => {
    const keys = [await h.newMerchant(), await h.newMerchant()].flatMap((m) => [m.publishableKey, m.secretKey]);
    for (const key of keys) expect(await connect(key).outcome).toBe('ack');
    const fifth = connect((await h.newMerchant()).publishableKey);
    expect(await fifth.outcome).toBe(4029);
    expect(await connect('pk_not_even_a_key').outcome).toBe(4029); // counted before any key is looked at
    await open[0].close();
    await waitFor(async () => {
      const again = connect(keys[0]);
      return (await again.outcome) === 'ack';
    }, 3000);
  });
});

/** Waits for a socket's close code, failing if it takes longer than the announcement path should. */
async function closedWithin(socket: RawSocket, ms: number): Promise<number> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`still open after ${ms} ms`)), ms)));
  try {
    return await Promise.race([socket.closed, late]);
  } finally {
    clearTimeout(timer);
  }
}

describe('a revoked key’s sockets, one instance without Redis', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(); // KEY_ROTATION_OVERLAP_HOURS: 24 (the default)
  });
  afterAll(async () => {
    await h?.close();
  });

  it('keeps the socket through the first rotation’s overlap and closes it with 4403 at the second; other keys’ sockets stay', async () => {
    const merchant = await h.newMerchant();
    const old = rawSocket(h.gateway.url, merchant.secretKey);
    const publishable = rawSocket(h.gateway.url, merchant.publishableKey);
    expect([await old.outcome, await publishable.outcome]).toEqual(['ack', 'ack']);

    const first = await h.gateway.merchants.rotateSecretKey(merchant.id);
    const rotated = rawSocket(h.gateway.url, first.secretKey);
    expect(await rotated.outcome).toBe('ack');
    await expect(closedWithin(old, 500)).rejects.toThrow('still open'); // the overlap: the old key still works

    await h.gateway.merchants.rotateSecretKey(merchant.id);
    expect(await closedWithin(old, 2000)).toBe(4403);
    // The first rotation's key is now the previous one, in its overlap; the publishable key never changed.
    expect(rotated.socket.readyState).toBe(rotated.socket.OPEN);
    expect(publishable.socket.readyState).toBe(publishable.socket.OPEN);
    await Promise.all([rotated.close(), publishable.close()]);
  });
});

describe('a revoked key’s sockets with KEY_ROTATION_OVERLAP_HOURS=0', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { KEY_ROTATION_OVERLAP_HOURS: '0' } });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('closes the socket with 4403 at the first rotation, the new key’s socket is accepted', async () => {
    const merchant = await h.newMerchant();
    const old = rawSocket(h.gateway.url, merchant.secretKey);
    expect(await old.outcome).toBe('ack');
    const rotated = await h.gateway.merchants.rotateSecretKey(merchant.id);
    expect(await closedWithin(old, 2000)).toBe(4403);
    const fresh = rawSocket(h.gateway.url, rotated.secretKey);
    expect(await fresh.outcome).toBe('ack');
    await fresh.close();
  });
});

describe('a revoked key’s sockets, two instances sharing Redis', () => {
  let first: Harness;
  let second: Harness;
  beforeAll(async () => {
    const env = { REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379' };
    [first, second] = [await startHarness({ env }), await startHarness({ env })];
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
  });

  it('closes, on the other instance, a socket whose key two rotations here revoked', async () => {
    const merchant = await first.newMerchant();
    const elsewhere = rawSocket(second.gateway.url, merchant.secretKey);
    expect(await elsewhere.outcome).toBe('ack');
    await first.gateway.merchants.rotateSecretKey(merchant.id);
    const rotated = await first.gateway.merchants.rotateSecretKey(merchant.id);
    // The other instance's key cache would trust the key for 10 s and its sweep runs each minute:
    // only the announcement closes it this soon.
    expect(await closedWithin(elsewhere, 2000)).toBe(4403);
    const fresh = rawSocket(second.gateway.url, rotated.secretKey);
    expect(await fresh.outcome).toBe('ack');
    await fresh.close();
  });
});
