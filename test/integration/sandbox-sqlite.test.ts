import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, SANDBOX_STRIPE_KEY } from '../../src/config';
import { startGateway, type RunningGateway } from '../../src/index';
import { createOrm } from '../../src/orm';
import { freePort, paymentInput, sdkFor, testLogger } from '../support/gateway-harness';

describe('sandbox mode on the embedded database (what `npm start` runs)', () => {
  let dir: string;
  let gateway: RunningGateway;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gateway-sandbox-'));
    const config = loadConfig({
      PORT: String(await freePort()),
      STRIPE_EMULATOR_PORT: String(await freePort()),
      DATABASE_URL: `sqlite:${join(dir, 'gateway.sqlite')}`,
      NODE_ENV: 'test',
    });
    gateway = await startGateway(config, testLogger());
  });
  afterAll(async () => {
    await gateway?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts its own emulator, creates a demo merchant, and that key creates a PENDING payment at the emulator', async () => {
    expect(gateway.emulator).not.toBeNull();
    expect(gateway.demoMerchant?.secretKey).toMatch(/^sk_gw_/);
    const response = await fetch(`${gateway.url}/api/v1/payment`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${gateway.demoMerchant!.secretKey}` },
      body: JSON.stringify(paymentInput()),
    });
    const payment = (await response.json()) as { status: string; checkoutUrl: string; providerSessionId: string };
    expect(response.status).toBe(201);
    expect(payment.status).toBe('PENDING');
    expect(payment.checkoutUrl.startsWith(gateway.emulator!.url)).toBe(true);
    const session = await sdkFor(gateway.emulator!.url, SANDBOX_STRIPE_KEY).checkout.sessions.retrieve(payment.providerSessionId);
    expect(session.status).toBe('open');
  });

  it('enforces the one-payment-per-order rule in SQLite too', async () => {
    const input = paymentInput();
    const post = () =>
      fetch(`${gateway.url}/api/v1/payment`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${gateway.demoMerchant!.secretKey}` },
        body: JSON.stringify(input),
      });
    expect((await post()).status).toBe(201);
    expect((await post()).status).toBe(409);
  });
});

describe('the embedded database file', () => {
  const modeOf = (path: string) => statSync(path).mode & 0o777;

  it('is created readable and writable by its owner only, with its journal files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gateway-sqlite-mode-'));
    try {
      const path = join(dir, 'data', 'gateway.sqlite');
      const config = loadConfig({ PORT: String(await freePort()), STRIPE_EMULATOR_PORT: String(await freePort()), DATABASE_URL: `sqlite:${path}`, NODE_ENV: 'test' });
      const gateway = await startGateway(config, testLogger());
      try {
        const response = await fetch(`${gateway.url}/api/v1/payment`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${gateway.demoMerchant!.secretKey}` },
          body: JSON.stringify(paymentInput()),
        });
        expect(response.status).toBe(201);
        const files = readdirSync(join(dir, 'data')).filter((name) => name.startsWith('gateway.sqlite'));
        expect(files).toContain('gateway.sqlite');
        for (const name of files) expect({ name, mode: modeOf(join(dir, 'data', name)).toString(8) }).toEqual({ name, mode: '600' });
        expect(modeOf(join(dir, 'data'))).toBe(0o700);
      } finally {
        await gateway.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('left world-readable by an older version, is made private when opened', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gateway-sqlite-mode-'));
    try {
      const path = join(dir, 'old.sqlite');
      writeFileSync(path, '');
      chmodSync(path, 0o644);
      const orm = await createOrm({ dialect: 'sqlite', path });
      await orm.close();
      expect(modeOf(path)).toBe(0o600);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
