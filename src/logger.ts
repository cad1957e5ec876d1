/**
 * The one pino logger. Modules take child loggers (`logger.child({ module: 'webhook' })`). Secrets are
 * redacted by path wherever they could appear: headers, keys, webhook secrets.
 */
import pino, { type Logger } from 'pino';
import { currentRequestFields } from './telemetry/request-context';

export type { Logger };

export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["stripe-signature"]',
  'headers.authorization',
  'authorization',
  'secretKey',
  'publishableKey',
  'webhookSecret',
  'stripe.secretKey',
  'stripe.webhookSecret',
  '*.secretKey',
  '*.webhookSecret',
];

export function createLogger(level: string, destination?: pino.DestinationStream, options: { pretty?: boolean } = {}): Logger {
  // mixin: every line written while serving a request carries that request's id.
  const base = { level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' }, base: undefined, mixin: currentRequestFields };
  // Human-readable lines for a developer at a terminal; JSON lines everywhere else (one per event).
  if (options.pretty && !destination) return pino({ ...base, transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l' } } });
  // Standard output is written asynchronously: lines logged while a write is under way go out
  // together in the next one, instead of one blocking write per line on the request path (the bench
  // measured those writes among the gateway's larger costs). pino flushes what is left on exit.
  return pino(base, destination ?? pino.destination({ dest: 1, sync: false }));
}
