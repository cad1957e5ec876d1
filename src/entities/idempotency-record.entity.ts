import { LIMITS } from '../domain/limits';
import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import { PortableJsonType } from './portable-json.type';

/**
 * One createPayment carrying an Idempotency-Key, and its first answer.
 * - running: a request is working on it (or died doing so: `updatedAt` tells how long ago);
 * - done: `response` is the answer, replayed to every repeat;
 * - retryable: the provider was unavailable; the next repeat takes the payment up again.
 */
export type IdempotencyState = 'running' | 'done' | 'retryable';

@Entity({ tableName: 'idempotency_record' })
export class IdempotencyRecord {
  @PrimaryKey({ type: 'string', length: 40 })
  merchantId!: string;

  @PrimaryKey({ type: 'string', length: LIMITS.idempotencyKeyMaxChars })
  idempotencyKey!: string;

  @Property({ type: 'string', length: 64 })
  requestHash!: string;

  @Property({ type: 'string', length: 16 })
  state!: IdempotencyState;

  /** Reserved when the key is first claimed, so whoever finishes the request makes that very payment. */
  @Property({ type: 'string', length: LIMITS.refMaxChars })
  paymentRef!: string;

  @Property({ type: PortableJsonType, columnType: 'json', nullable: true })
  response: StoredAnswer | null = null;

  @Property({ type: 'datetime', length: 3 })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', length: 3 })
  updatedAt: Date = new Date();
}

/** An answer as it is replayed: a payment, or an error with its public code and details. */
export type StoredAnswer =
  | { kind: 'payment'; payment: Record<string, unknown> }
  | { kind: 'error'; code: string; message: string; details: Record<string, unknown> };
