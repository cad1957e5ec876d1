import { LIMITS } from '../domain/limits';
import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import { PaymentStatus } from '../domain/payment-status';
import { PortableJsonType } from './portable-json.type';

export interface StoredLineItem {
  name: string;
  unitAmount: number;
  quantity: number;
}

/**
 * One payment of one merchant's order. `status` and `version` are written only by PaymentTransitions (the one status writer),
 * through guarded updates (see payment-transitions.ts). The table also has a generated column
 * `order_hold` (the order id while the payment holds its order) with a unique key on
 * (merchant_id, order_hold): the database itself refuses a second active or succeeded payment per order.
 */
@Entity({ tableName: 'payment' })
export class Payment {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Property({ type: 'string', length: LIMITS.refMaxChars, unique: true })
  ref!: string;

  @Property({ type: 'string', length: 40, index: true })
  merchantId!: string;

  @Property({ type: 'string', length: LIMITS.orderIdMaxChars })
  orderId!: string;

  @Property({ type: 'string', length: 16 })
  status!: PaymentStatus;

  @Property({ type: 'integer' })
  amount!: number;

  @Property({ type: 'string', length: 3 })
  currency!: string;

  @Property({ type: PortableJsonType, columnType: 'json' })
  lineItems!: StoredLineItem[];

  @Property({ type: 'text' })
  successUrl!: string;

  @Property({ type: 'text' })
  cancelUrl!: string;

  @Property({ type: 'string', length: 320, nullable: true })
  customerEmail: string | null = null;

  @Property({ type: PortableJsonType, columnType: 'json' })
  metadata!: Record<string, string>;

  @Property({ type: 'text', nullable: true })
  checkoutUrl: string | null = null;

  @Property({ type: 'string', length: 255, nullable: true, unique: true })
  providerSessionId: string | null = null;

  @Property({ type: 'datetime', length: 3 })
  expiresAt!: Date;

  @Property({ type: 'integer' })
  version: number = 1;

  @Property({ type: 'datetime', length: 3 })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', length: 3 })
  updatedAt: Date = new Date();

  /** Until when one reconciler instance has claimed this payment; no other instance touches it before. */
  @Property({ type: 'datetime', length: 3, nullable: true })
  reconcileLeaseUntil: Date | null = null;
}
