/**
 * The one pino logger. Modules take child loggers (`logger.child({ module: 'webhook' })`). Secrets are
 * redacted by path wherever they could appear: headers, keys, webhook secrets.
 */
import pino, { type Logger } from 'pino';

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

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' }, base: undefined }, destination);
}
