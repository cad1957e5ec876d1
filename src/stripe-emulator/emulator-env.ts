import { z } from 'zod';
import type { EmulatorFaults } from './faults';
import { parseFaultsPatch } from './faults';
import { newWebhookSecret } from './ids';

/** Loopback only unless asked otherwise; the same default as the embedded emulator's `listen`. */
export const DEFAULT_HOST = '127.0.0.1';

/** The standalone emulator's settings (`npm run emulator`), read once from the environment. */
export interface EmulatorEnv {
  port: number;
  /**
   * Interface to bind: 127.0.0.1 unless STRIPE_EMULATOR_HOST says otherwise. The emulator accepts
   * any test key and completes payments for anyone who asks, so other machines reach it only by
   * choice (`0.0.0.0` in a container whose port is published).
   */
  host: string;
  publicUrl: string | undefined;
  webhookSecret: string;
  /** True when no STRIPE_WEBHOOK_SECRET was given and one was made up: it must be printed. */
  webhookSecretGenerated: boolean;
  webhookUrls: string[];
  apiKey: string | undefined;
  faults: Partial<EmulatorFaults>;
}

const httpUrl = z.url({ protocol: /^https?$/ });
const optional = (schema: z.ZodType<string>) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), schema.optional());

/**
 * The standalone emulator's variables, each with what it means (`description`) and, without a schema
 * default, what happens when it is unset (`unset`); the project's docs/reference.md lists them from here.
 */
export const emulatorEnvSchema = z.object({
  STRIPE_EMULATOR_PORT: z.coerce.number().int().min(0).max(65535).default(12111).meta({ description: 'port (`0`: any free port)' }),
  STRIPE_EMULATOR_HOST: optional(z.string()).meta({
    description:
      'interface to bind; `0.0.0.0` to be reachable from elsewhere (a container). It takes any test key and completes payments for anyone: keep it off networks you do not trust',
    unset: `\`${DEFAULT_HOST}\``,
  }),
  STRIPE_EMULATOR_PUBLIC_URL: optional(httpUrl).meta({
    description: 'base of the hosted page links (`session.url`)',
    unset: '`http://<host>:$PORT` (`localhost` for `0.0.0.0`)',
  }),
  STRIPE_WEBHOOK_SECRET: optional(z.string().regex(/^whsec_\S+$/, 'must look like whsec_…')).meta({
    description: '`whsec_…` that signs deliveries',
    unset: 'generated and printed',
  }),
  STRIPE_EMULATOR_WEBHOOK_URL: optional(z.string()).meta({
    description: 'where events are POSTed, comma-separated for several',
    unset: 'none: events are only listed',
  }),
  STRIPE_EMULATOR_API_KEY: optional(z.string().regex(/^sk_test_\S+$/, 'must look like sk_test_…')).meta({
    description: 'the only secret key accepted, when set',
    unset: 'any `sk_test_…`',
  }),
  STRIPE_EMULATOR_FAULTS: optional(z.string()).meta({
    description: 'faults in force from the start, JSON as for `POST /__emulator/faults`',
    unset: 'none',
  }),
});

/** Throws an Error naming each variable that is wrong. */
export function readEmulatorEnv(env: Record<string, string | undefined>): EmulatorEnv {
  const parsed = emulatorEnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new Error(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  }
  const e = parsed.data;
  const webhookUrls = (e.STRIPE_EMULATOR_WEBHOOK_URL ?? '')
    .split(',')
    .map((u) => u.trim())
    .filter(Boolean);
  for (const url of webhookUrls) {
    if (!httpUrl.safeParse(url).success) throw new Error(`STRIPE_EMULATOR_WEBHOOK_URL: not an http(s) URL: ${url}`);
  }
  let faults: Partial<EmulatorFaults> = {};
  if (e.STRIPE_EMULATOR_FAULTS) {
    try {
      faults = parseFaultsPatch(JSON.parse(e.STRIPE_EMULATOR_FAULTS));
    } catch (err) {
      throw new Error(`STRIPE_EMULATOR_FAULTS: ${(err as Error).message}`);
    }
  }
  return {
    port: e.STRIPE_EMULATOR_PORT,
    host: e.STRIPE_EMULATOR_HOST ?? DEFAULT_HOST,
    publicUrl: e.STRIPE_EMULATOR_PUBLIC_URL,
    webhookSecret: e.STRIPE_WEBHOOK_SECRET ?? newWebhookSecret(),
    webhookSecretGenerated: e.STRIPE_WEBHOOK_SECRET === undefined,
    webhookUrls,
    apiKey: e.STRIPE_EMULATOR_API_KEY,
    faults,
  };
}
