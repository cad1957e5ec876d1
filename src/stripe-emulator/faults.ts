import { z } from 'zod';

/** Failure modes that real Stripe produces rarely, on demand. */
export interface EmulatorFaults {
  /** Delay before every /v1 answer. */
  apiLatencyMs: number;
  /** 0..1: share of /v1 requests answered 500 api_error or 429 rate limit, before any state change. */
  apiErrorRate: number;
  /** 0..1: share of session creations refused with a 400, to rehearse a provider refusal. */
  apiRefusalRate: number;
  /** 0..1: share of events delivered twice. */
  webhookDuplicateRate: number;
  /** Hold each event back a random short while, so that later events overtake it. */
  webhookReorder: boolean;
  /** Delay before each event's first delivery attempt. */
  webhookDelayMs: number;
  /** 0..1: share of events never delivered (and never retried). */
  webhookDropRate: number;
}

export const NO_FAULTS: Readonly<EmulatorFaults> = Object.freeze({
  apiLatencyMs: 0,
  apiErrorRate: 0,
  apiRefusalRate: 0,
  webhookDuplicateRate: 0,
  webhookReorder: false,
  webhookDelayMs: 0,
  webhookDropRate: 0,
});

const rate = z.number().min(0).max(1);
const delay = z.number().int().min(0).max(10 * 60 * 1000);

/**
 * Any subset of the faults; unknown keys are refused so that a typo does not silently do nothing.
 * Each fault's `description` is what docs/reference.md lists for it.
 */
export const faultsPatchSchema = z
  .object({
    apiLatencyMs: delay.meta({
      description:
        'every `/v1` answer waits this long (inside the idempotency reservation, so concurrent same-key requests meet the 409)',
    }),
    apiErrorRate: rate.meta({
      description:
        '`/v1` requests answered 500 `api_error` or 429 rate limit (`Retry-After: 1`) at random, before any state change and not stored for the key',
    }),
    apiRefusalRate: rate.meta({
      description:
        'the emulator\'s addition: session creations refused with 400 "The emulator refused this session (apiRefusalRate)", stored for the key like any executed request',
    }),
    webhookDuplicateRate: rate.meta({ description: 'the event is delivered twice (same id)' }),
    webhookReorder: z.boolean().meta({ description: 'each event is held back up to 1 s at random, so later ones overtake it' }),
    webhookDelayMs: delay.meta({ description: 'wait before the first delivery attempt' }),
    webhookDropRate: rate.meta({
      description: 'never delivered, no retries; listed by `GET /v1/events` with `delivery_success=false`',
    }),
  })
  .partial()
  .strict();

export type FaultsPatch = z.infer<typeof faultsPatchSchema>;

/** Parses a faults patch; throws an Error whose message lists what is wrong. */
export function parseFaultsPatch(input: unknown): Partial<EmulatorFaults> {
  const result = faultsPatchSchema.safeParse(input);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`);
    throw new Error(problems.join('; '));
  }
  return result.data;
}

/** The faults in force; read on every request and delivery so changes apply at once. */
export class FaultState {
  private current: EmulatorFaults = { ...NO_FAULTS };

  get(): Readonly<EmulatorFaults> {
    return this.current;
  }

  set(patch: Partial<EmulatorFaults>): void {
    this.current = { ...this.current, ...parseFaultsPatch(patch) };
  }

  reset(): void {
    this.current = { ...NO_FAULTS };
  }

  /** True with probability `rate`. */
  roll(rateValue: number): boolean {
    return rateValue > 0 && Math.random() < rateValue;
  }
}
