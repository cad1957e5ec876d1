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
  return pino(base, destination);
}
