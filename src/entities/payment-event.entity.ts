import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import { PaymentEventSource, PaymentStatus } from '../domain/payment-status';

/**
 * One line of a payment's history: an applied status change, or a provider event that was recorded
 * but changed nothing (`applied = false`). (payment_id, provider_event_id) is unique, so the same
 * provider event can never be recorded twice for a payment.
 */
@Entity({ tableName: 'payment_event' })
export class PaymentEvent {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Property({ type: 'integer', index: true })
  paymentId!: number;

  @Property({ type: 'datetime', length: 3 })
  at: Date = new Date();

  @Property({ type: 'string', length: 16 })
  source!: PaymentEventSource;

  @Property({ type: 'string', length: 16, nullable: true })
  fromStatus: PaymentStatus | null = null;

  @Property({ type: 'string', length: 16 })
  toStatus!: PaymentStatus;

  @Property({ type: 'boolean' })
  applied!: boolean;

  @Property({ type: 'string', length: 255, nullable: true })
  providerEventId: string | null = null;

  @Property({ type: 'string', length: 100, nullable: true })
  providerEventType: string | null = null;

  @Property({ type: 'string', length: 500, nullable: true })
  note: string | null = null;
}
