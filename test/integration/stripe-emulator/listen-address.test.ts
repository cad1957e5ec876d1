import net from 'node:net';
import os from 'node:os';
import { createStripeEmulator } from '../../../src/stripe-emulator';
import { readEmulatorEnv } from '../../../src/stripe-emulator/emulator-env';
import { WEBHOOK_SECRET } from './emulator-test-kit';

/** An address of this machine other than loopback, if it has one. */
function nonLoopbackAddress(): string | null {
  for (const addresses of Object.values(os.networkInterfaces())) {
    for (const a of addresses ?? []) {
      if (!a.internal && a.family === 'IPv4') return a.address;
    }
  }
  return null;
}

/** Resolves to true if a TCP connection to host:port is accepted, false if refused or unreachable. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: 2000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

describe('where the emulator listens', () => {
  it('listens on loopback only when no host is given: not reachable on the machine\'s other addresses', async () => {
    const emulator = createStripeEmulator({ webhookSecret: WEBHOOK_SECRET, webhookUrls: [] });
    try {
      const { url, port } = await emulator.listen(0);
      expect(new URL(url).hostname).toBe('127.0.0.1');
      expect(await accepts('127.0.0.1', port)).toBe(true);
      const other = nonLoopbackAddress();
      console.log(`non-loopback address checked: ${other ?? 'none on this machine'}`);
      if (other) expect(await accepts(other, port)).toBe(false);
    } finally {
      await emulator.close();
    }
  });

  it('listens on every interface when asked to, as a container needs', async () => {
    const other = nonLoopbackAddress();
    const emulator = createStripeEmulator({ webhookSecret: WEBHOOK_SECRET, webhookUrls: [] });
    try {
      const { url, port } = await emulator.listen(0, '0.0.0.0');
      expect(new URL(url).hostname).toBe('localhost');
      if (other) expect(await accepts(other, port)).toBe(true);
    } finally {
      await emulator.close();
    }
  });

  it('the standalone emulator binds 127.0.0.1 unless STRIPE_EMULATOR_HOST says otherwise', () => {
    expect(readEmulatorEnv({}).host).toBe('127.0.0.1');
    expect(readEmulatorEnv({ STRIPE_EMULATOR_HOST: '  ' }).host).toBe('127.0.0.1');
    expect(readEmulatorEnv({ STRIPE_EMULATOR_HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
  });
});
