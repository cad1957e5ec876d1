/**
 * The bench's processes: the gateway, the raw floor server, the emulator and the subscriber swarm
 * each run in a Node process of their own, started from the TypeScript sources through swc (as the
 * tests do), so that load generation in this process never shares an event loop with what it measures.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');
const SWC_REGISTER = join(ROOT, 'test/support/swc-register.js');

/** A child that speaks to us over IPC: `request(msg)` sends one message and resolves with its answer. */
export interface BenchChild {
  pid: number;
  ready: Record<string, any>;
  request<T = any>(message: Record<string, unknown>, timeoutMs?: number): Promise<T>;
  stop(): Promise<void>;
}

let nextRequestId = 1;

/**
 * Forks `entry` with the IPC channel open and waits for its `{ type: 'ready', ... }` message.
 * Its stdout/stderr go to `logFile`, never to our terminal.
 */
export async function startChild(
  entry: string,
  options: { env: Record<string, string>; logFile: string; execArgv?: string[]; timeoutMs?: number },
): Promise<BenchChild> {
  // The child writes its log straight to the file: piping it through us would load our event loop.
  const log = openSync(options.logFile, 'a');
  const child: ChildProcess = fork(join(ROOT, entry), [], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...options.env },
    execArgv: ['-r', SWC_REGISTER, ...(options.execArgv ?? [])],
    stdio: ['ignore', log, log, 'ipc'],
  });
  const pending = new Map<number, { resolve: (value: any) => void; reject: (error: Error) => void }>();
  child.on('message', (message: any) => {
    if (message?.type !== 'answer') return;
    const waiter = pending.get(message.id);
    pending.delete(message.id);
    if (message.error) waiter?.reject(new Error(`${entry}: ${message.error}`));
    else waiter?.resolve(message.value);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('exit', (code, signal) => {
    for (const waiter of pending.values()) waiter.reject(new Error(`${entry} exited (${code ?? signal}); see ${options.logFile}`));
    pending.clear();
  });

  const ready = await new Promise<Record<string, any>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${entry} did not start in time; see ${options.logFile}`)), options.timeoutMs ?? 60_000);
    child.on('message', (message: any) => {
      if (message?.type !== 'ready') return;
      clearTimeout(timer);
      resolve(message);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${entry} exited with ${code} during start; see ${options.logFile}`));
    });
  });

  return {
    pid: child.pid!,
    ready,
    request(message, timeoutMs = 600_000) {
      const id = nextRequestId++;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`${entry} did not answer ${JSON.stringify(message.type)} in ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(id, {
          resolve: (value) => (clearTimeout(timer), resolve(value)),
          reject: (error) => (clearTimeout(timer), reject(error)),
        });
        child.send({ ...message, id });
      });
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
      closeSync(log);
    },
  };
}

/**
 * The child's side: answers each `{ type, id }` request with what `handlers[type]` returns.
 * Call once, after `process.send({ type: 'ready', ... })`.
 */
export function answerRequests(handlers: Record<string, (message: any) => unknown>): void {
  process.on('message', async (message: any) => {
    const handler = handlers[message?.type];
    try {
      if (!handler) throw new Error(`no handler for ${message?.type}`);
      process.send!({ type: 'answer', id: message.id, value: await handler(message) });
    } catch (error) {
      process.send!({ type: 'answer', id: message.id, error: (error as Error).stack ?? String(error) });
    }
  });
}

/** CPU time this process has used, user + system, in µs. */
export function cpuMicros(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

/** This process's memory after a full collection (the child runs with --expose-gc), in bytes. */
export function memoryAfterGc(): { rss: number; heapUsed: number; external: number; arrayBuffers: number } {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    gc();
    gc();
  }
  const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage();
  return { rss, heapUsed, external, arrayBuffers };
}
