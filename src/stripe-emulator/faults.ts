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

/** Any subset of the faults; unknown keys are refused so that a typo does not silently do nothing. */
export const faultsPatchSchema = z
  .object({
    apiLatencyMs: delay,
    apiErrorRate: rate,
    apiRefusalRate: rate,
    webhookDuplicateRate: rate,
    webhookReorder: z.boolean(),
    webhookDelayMs: delay,
    webhookDropRate: rate,
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
