/**
 * Idempotency-Key for createPayment (API.md "Idempotency"); the create-payment use case claims the
 * key, then completes or abandons its claim. The first request with a key claims it (a primary key
 * on merchant + key settles concurrent claims) and reserves the payment's ref; its
 * answer is stored and replayed to every repeat with the same body. Repeats arriving while it runs
 * wait for that answer. A repeat with another body is IDEMPOTENCY_CONFLICT.
 *
 * Nothing is lost when a request dies half-way: the reserved ref lets a later repeat (or the
 * reconciler) finish the very same payment, and the provider's own idempotency key finds the very
 * same session.
 */
import { createHash } from 'node:crypto';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { Orm } from '../../orm';
import { IdempotencyRecord, type StoredAnswer } from '../../entities/idempotency-record.entity';
import { GatewayError, IdempotencyConflictError, ProviderUnavailableError, ValidationError, type ErrorCode } from '../../domain/errors';
import { newPaymentRef } from '../ids';
import type { PaymentView } from './payment-view';

export interface IdempotencyOptions {
  /** How long a repeat waits for the first request's answer before giving up with a conflict. */
  waitForFirstMs: number;
  /** A running record untouched this long belongs to a request that died: a repeat takes it over. */
  staleAfterMs: number;
}

/**
 * The outcome of presenting a key: the first request's stored answer (a stored error is thrown), or
 * the key held by this request, which must then `complete` or `abandon` it. `resumed`: the record
 * existed before (its first request died, or the provider was away), so a payment with `ref` may have
 * been saved already; a fresh claim has none.
 */
export type IdempotencyClaim =
  | { kind: 'answered'; payment: PaymentView }
  | ClaimedKey;

export interface ClaimedKey {
  kind: 'claimed';
  /** The payment ref the key reserved. */
  ref: string;
  resumed: boolean;
  record: IdempotencyRecord;
}

/** What became of the payment an abandoned record reserved: its answer, still being created, or never saved. */
export type AbandonedPayment = PaymentView | 'processing' | null;

const POLL_MS = 50;

/** An answer replayed from storage: the first request's error, with its code and public details. */
class ReplayedError extends GatewayError {
  constructor(
    readonly code: ErrorCode,
    message: string,
    private readonly details: Record<string, unknown>,
  ) {
    super(message);
  }
  override get publicDetails() {
    return this.details;
  }
}

export class IdempotencyService {
  constructor(
    private readonly orm: Orm,
    private readonly options: IdempotencyOptions,
  ) {}

  /**
   * Claims (merchant, key) for this request, or answers with the first request's answer; a repeat
   * arriving while the first runs waits for that answer, up to `waitForFirstMs`.
   */
  async claim(merchantId: string, key: string, requestBody: unknown): Promise<IdempotencyClaim> {
    const requestHash = fingerprint(requestBody);
    const deadline = Date.now() + this.options.waitForFirstMs;

    for (;;) {
      const claimed = await this.insertClaim(merchantId, key, requestHash);
      if (claimed) return { kind: 'claimed', ref: claimed.paymentRef, resumed: false, record: claimed };
      const record = await this.orm.em.fork().findOne(IdempotencyRecord, { merchantId, idempotencyKey: key });
      if (!record) continue; // released between our claim and our read: claim again
      if (record.requestHash !== requestHash) throw new IdempotencyConflictError();
      if (record.state === 'done' && record.response) return { kind: 'answered', payment: replay(record.response) };
      const takenOver = await this.takeOver(record);
      if (takenOver) return { kind: 'claimed', ref: takenOver.paymentRef, resumed: true, record: takenOver };
      if (Date.now() > deadline) {
        throw new IdempotencyConflictError('A request with this Idempotency-Key is still in progress; retry later');
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  /** The claimed request answered: its answer is stored and replayed to every repeat. */
  async complete(claim: ClaimedKey, payment: PaymentView): Promise<void> {
    await this.finish(claim.record, 'done', { kind: 'payment', payment: JSON.parse(JSON.stringify(payment)) });
  }

  /** The claimed request failed with `error`: what a repeat gets depends on what kind of failure it was. */
  async abandon(claim: ClaimedKey, error: unknown): Promise<void> {
    if (error instanceof ValidationError) {
      // Nothing was made: the key stays free for the corrected request.
      await this.release(claim.record);
    } else if (error instanceof ProviderUnavailableError) {
      await this.finish(claim.record, 'retryable', null);
    } else if (error instanceof GatewayError) {
      await this.finish(claim.record, 'done', { kind: 'error', code: error.code, message: error.message, details: error.publicDetails });
    }
    // Anything else stays 'running' and is taken over once stale: the reserved ref keeps it one payment.
  }

  /**
   * Forgets records older than `olderThan` (API.md promises at least 24 h), whatever their state: a
   * record left running or retryable by a request nobody repeated must not stay for ever.
   */
  async purge(olderThan: Date): Promise<number> {
    return this.orm.em.fork().nativeDelete(IdempotencyRecord, { createdAt: { $lt: olderThan }, updatedAt: { $lt: olderThan } });
  }

  /**
   * Settles records left 'running' by a request that died mid-way (a crash), so that none waits for
   * a repeat that may never come. Each stale one is taken over (one instance wins) and then:
   * no payment was saved → deleted, the key is free again; the payment is still PROCESSING →
   * retryable (the reconciler finishes the payment, a repeat answers it); otherwise → done, with the
   * payment as the answer a repeat gets. Returns how many were settled.
   */
  async settleAbandoned(lookUp: (merchantId: string, ref: string) => Promise<AbandonedPayment>, limit: number): Promise<number> {
    const staleBefore = new Date(Date.now() - this.options.staleAfterMs);
    const abandoned = await this.orm.em.fork().find(IdempotencyRecord, { state: 'running', updatedAt: { $lt: staleBefore } }, { limit });
    let settled = 0;
    for (const candidate of abandoned) {
      const record = await this.takeOver(candidate);
      if (!record) continue; // a repeat or another instance got there first
      const payment = await lookUp(record.merchantId, record.paymentRef);
      if (payment === null) await this.release(record);
      else if (payment === 'processing') await this.finish(record, 'retryable', null);
      else await this.finish(record, 'done', { kind: 'payment', payment: JSON.parse(JSON.stringify(payment)) });
      settled += 1;
    }
    return settled;
  }

  private async insertClaim(merchantId: string, key: string, requestHash: string): Promise<IdempotencyRecord | null> {
    const now = new Date();
    const record = Object.assign(new IdempotencyRecord(), {
      merchantId,
      idempotencyKey: key,
      requestHash,
      state: 'running' as const,
      paymentRef: newPaymentRef(),
      createdAt: now,
      updatedAt: now,
    });
    try {
      await this.orm.em.fork().insert(IdempotencyRecord, record);
      return record;
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) return null;
      throw error;
    }
  }

  /** A retryable record, or a running one whose request died: one repeat (the update's winner) takes it. */
  private async takeOver(record: IdempotencyRecord): Promise<IdempotencyRecord | null> {
    const staleBefore = new Date(Date.now() - this.options.staleAfterMs);
    if (record.state === 'running' && record.updatedAt > staleBefore) return null;
    const now = new Date();
    const won = await this.orm.em.fork().nativeUpdate(
      IdempotencyRecord,
      { merchantId: record.merchantId, idempotencyKey: record.idempotencyKey, state: record.state, updatedAt: record.updatedAt },
      { state: 'running', updatedAt: now },
    );
    return won === 1 ? Object.assign(record, { state: 'running', updatedAt: now }) : null;
  }

  private async release(record: IdempotencyRecord): Promise<void> {
    await this.orm.em.fork().nativeDelete(IdempotencyRecord, { merchantId: record.merchantId, idempotencyKey: record.idempotencyKey });
  }

  private async finish(record: IdempotencyRecord, state: 'done' | 'retryable', response: StoredAnswer | null): Promise<void> {
    await this.orm.em.fork().nativeUpdate(
      IdempotencyRecord,
      { merchantId: record.merchantId, idempotencyKey: record.idempotencyKey },
      { state, response, updatedAt: new Date() },
    );
  }
}

function replay(answer: StoredAnswer): PaymentView {
  if (answer.kind === 'error') throw new ReplayedError(answer.code as ErrorCode, answer.message, answer.details);
  return answer.payment as unknown as PaymentView;
}

/**
 * The request's identity: its JSON with keys sorted and absent-equivalent nulls dropped, so that the
 * same input over REST or GraphQL, in any key order, is the same request.
 */
export function fingerprint(body: unknown): string {
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== null && v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
