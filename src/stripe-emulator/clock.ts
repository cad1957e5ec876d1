/**
 * The emulator's "now". Everything that Stripe would stamp with its own time (created, expires_at
 * checks, idempotency key age) reads this clock, so a test can jump past an expires_at that Stripe
 * forbids setting less than 30 minutes ahead, instead of waiting for it.
 * Webhook signatures deliberately use the real wall clock: receivers check them against their own.
 */
export class EmulatorClock {
  private offsetMs = 0;

  nowMs(): number {
    return Date.now() + this.offsetMs;
  }

  nowSeconds(): number {
    return Math.floor(this.nowMs() / 1000);
  }

  advance(seconds: number): void {
    if (!Number.isFinite(seconds) || seconds < 0) {
      throw new RangeError('advanceClock takes a non-negative number of seconds');
    }
    this.offsetMs += seconds * 1000;
  }
}
