/**
 * The gateway as a separate OS process, for tests about several instances, crashes and signals: either
 * src/index.ts through swc-register (quick to start, NODE_ENV=test), or the built `npm start` path
 * (dist/src/main.js, any NODE_ENV). It prints its own logs; we wait for "gateway listening".
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
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

/**
 * `appendToSuiteLog: false` for a gateway in sandbox mode, which prints its demo merchant's keys on
 * purpose: they must stay out of the suite's secret-checked log.
 */
export async function startGatewayProcess(env: Record<string, string>, timeoutMs = 20_000, options: { appendToSuiteLog?: boolean } = {}): Promise<GatewayProcess> {
  const child = spawn(process.execPath, ['-r', join(ROOT, 'test/support/swc-register.js'), join(ROOT, 'src/index.ts')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', LOG_LEVEL: 'debug', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return watchUntilListening(child, env, timeoutMs, options.appendToSuiteLog ?? true);
}

/** `npm run build`, as `npm start` does first: once per test file, then startBuiltGatewayProcess. */
export async function buildGateway(): Promise<void> {
  await new Promise<void>((resolve, reject) =>
    execFile('npm', ['run', 'build'], { cwd: ROOT, env: process.env, timeout: 180_000 }, (error, stdout, stderr) =>
      error ? reject(new Error(`npm run build failed:\n${stdout}${stderr}`)) : resolve(),
    ),
  );
}

/** What `npm start` runs after building: node dist/src/main.js, in the NODE_ENV `env` gives. */
export function spawnBuiltGateway(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [join(ROOT, 'dist/src/main.js')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'debug', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/**
 * `npm start` itself, as the README runs it (it builds again, then execs node dist/src/main.js): the
 * process a container runtime signals is npm, which must hand the signal on to the gateway.
 */
export async function startWithNpmStart(env: Record<string, string>, timeoutMs = 150_000): Promise<GatewayProcess> {
  const child = spawn('npm', ['start'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'debug', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return watchUntilListening(child, env, timeoutMs, false);
}

export async function startBuiltGatewayProcess(
  env: Record<string, string>,
  options: { appendToSuiteLog?: boolean; timeoutMs?: number } = {},
): Promise<GatewayProcess> {
  return watchUntilListening(spawnBuiltGateway(env), env, options.timeoutMs ?? 20_000, options.appendToSuiteLog ?? true);
}

async function watchUntilListening(child: ChildProcess, env: Record<string, string>, timeoutMs: number, appendToSuiteLog = true): Promise<GatewayProcess> {
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      // Its log joins the suite's, which is checked for secrets at the end.
      if (appendToSuiteLog && process.env.TEST_LOG_FILE) appendFileSync(process.env.TEST_LOG_FILE, output);
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
