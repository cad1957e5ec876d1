/**
 * The payment state machine (src/domain/payment-status.ts) against API.md's "Payment statuses"
 * table, written out here: every (from, to) pair, allowed exactly when the table lists it.
 */
import {
  canTransition,
  isTerminal,
  ORDER_HOLDING_STATUSES,
  PaymentStatus,
  statusForEventOutcome,
  statusForSessionState,
} from '../../src/domain/payment-status';

const { PROCESSING, PENDING, SUCCEEDED, FAILED, EXPIRED } = PaymentStatus;
const ALL = [PROCESSING, PENDING, SUCCEEDED, FAILED, EXPIRED];

/** API.md, "Payment statuses", column "next". */
const NEXT_IN_API_MD: Record<PaymentStatus, PaymentStatus[]> = {
  PROCESSING: [PENDING, FAILED],
  PENDING: [SUCCEEDED, FAILED, EXPIRED],
  SUCCEEDED: [],
  FAILED: [],
  EXPIRED: [],
};

describe('the transitions table', () => {
  it('has exactly the five statuses of API.md', () => {
    expect(Object.values(PaymentStatus).sort()).toEqual([...ALL].sort());
  });

  const pairs = ALL.flatMap((from) => ALL.map((to): [PaymentStatus, PaymentStatus, boolean] => [from, to, NEXT_IN_API_MD[from].includes(to)]));
  it.each(pairs)('%s → %s allowed: %s', (from, to, allowed) => {
    expect(canTransition(from, to)).toBe(allowed);
  });

  it('never allows a status to "change" to itself', () => {
    for (const status of ALL) expect(canTransition(status, status)).toBe(false);
  });

  it('makes SUCCEEDED, FAILED and EXPIRED terminal, and only them', () => {
    expect(ALL.filter(isTerminal)).toEqual([SUCCEEDED, FAILED, EXPIRED]);
    for (const terminal of [SUCCEEDED, FAILED, EXPIRED]) for (const to of ALL) expect(canTransition(terminal, to)).toBe(false);
  });

  it('lets PROCESSING and PENDING hold an order, and SUCCEEDED for ever; FAILED and EXPIRED release it', () => {
    expect([...ORDER_HOLDING_STATUSES].sort()).toEqual([PENDING, PROCESSING, SUCCEEDED]);
  });
});

describe('what the provider says, as a status', () => {
  it.each([
    ['open', PENDING],
    ['paid', SUCCEEDED],
    ['expired', EXPIRED],
    ['awaiting_payment', null],
  ] as const)('a session %s: %s', (state, status) => {
    expect(statusForSessionState(state)).toBe(status);
  });

  it.each([
    ['paid', SUCCEEDED],
    ['payment_failed', FAILED],
    ['expired', EXPIRED],
    ['awaiting_payment', null],
  ] as const)('an event %s: %s', (outcome, status) => {
    expect(statusForEventOutcome(outcome)).toBe(status);
  });

  it('asks only for changes the table allows from PENDING, where a live session leaves its payment', () => {
    for (const outcome of ['paid', 'payment_failed', 'expired'] as const) expect(canTransition(PENDING, statusForEventOutcome(outcome)!)).toBe(true);
    for (const state of ['paid', 'expired'] as const) expect(canTransition(PENDING, statusForSessionState(state)!)).toBe(true);
  });
});
