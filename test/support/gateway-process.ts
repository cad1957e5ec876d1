/**
 * The gateway as a separate OS process (src/index.ts through swc-register), for tests about several
 * instances, crashes and signals. It prints its own logs; we wait for "gateway listening".
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { appendFileSync } from 'node:fs';

const ROOT = join(__dirname, '..', '..');

export interface GatewayProcess {
  url: string;
  child: ChildProcess;
  output(): string;
  /** Sends the signal and resolves with the exit code (null when killed by a signal). */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function startGatewayProcess(env: Record<string, string>, timeoutMs = 20_000): Promise<GatewayProcess> {
  const child = spawn(process.execPath, ['-r', join(ROOT, 'test/support/swc-register.js'), join(ROOT, 'src/index.ts')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', LOG_LEVEL: 'debug', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      // Its log joins the suite's, which is checked for secrets at the end.
      if (process.env.TEST_LOG_FILE) appendFileSync(process.env.TEST_LOG_FILE, output);
      resolve(code);
    }),
  );

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gateway process did not start in time:\n${output}`)), timeoutMs);
    const check = () => {
      if (output.includes('gateway listening')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', () => {
      clearTimeout(timer);
      reject(new Error(`gateway process exited during start:\n${output}`));
    });
  });

  return {
    url: `http://127.0.0.1:${env.PORT}`,
    child,
    output: () => output,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
