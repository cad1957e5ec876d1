/**
 * The three writes on every payment's path (its creation, each status change, each history line),
 * as plain SQL inside the caller's transaction. `npm run bench` measured MikroORM's native insert and
 * update at about twice the CPU of the same statement sent plainly, and these run on every
 * createPayment and every webhook. Values are converted as the ORM converts them (dates per dialect,
 * JSON as text), errors too (a unique violation is the ORM's UniqueConstraintViolationException), and
 * the SQL is the same on MySQL, MariaDB and SQLite. Columns are the entities' (entities/*.entity.ts).
 */
import type { Transaction } from '@mikro-orm/core';
import type { Orm } from '../../orm';
import type { Payment } from '../../entities/payment.entity';
import type { PaymentEventSource, PaymentStatus } from '../../domain/payment-status';

export type NewPayment = Omit<Payment, 'id' | 'checkoutUrl' | 'providerSessionId' | 'reconcileLeaseUntil'>;

export interface NewPaymentEvent {
  paymentId: number;
  at: Date;
  source: PaymentEventSource;
  fromStatus: PaymentStatus | null;
  toStatus: PaymentStatus;
  applied: boolean;
  providerEventId?: string | null;
  providerEventType?: string | null;
  note?: string | null;
}

/** Inserts a payment; returns its id. */
export async function insertPayment(orm: Orm, trx: Transaction, payment: NewPayment): Promise<number> {
  const date = dateFor(orm);
  const result = await run(
    orm,
    trx,
    'insert into `payment` (`ref`, `merchant_id`, `order_id`, `status`, `amount`, `currency`, `line_items`, `success_url`, ' +
      '`cancel_url`, `customer_email`, `metadata`, `expires_at`, `version`, `created_at`, `updated_at`) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    [
      payment.ref, payment.merchantId, payment.orderId, payment.status, payment.amount, payment.currency, JSON.stringify(payment.lineItems),
      payment.successUrl, payment.cancelUrl, payment.customerEmail, JSON.stringify(payment.metadata), date(payment.expiresAt),
      payment.version, date(payment.createdAt), date(payment.updatedAt),
    ],
  );
  return Number(result.insertId);
}

export async function insertPaymentEvent(orm: Orm, trx: Transaction | undefined, event: NewPaymentEvent): Promise<void> {
  await run(
    orm,
    trx,
    'insert into `payment_event` (`payment_id`, `at`, `source`, `from_status`, `to_status`, `applied`, `provider_event_id`, ' +
      '`provider_event_type`, `note`) values (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    [
      event.paymentId, dateFor(orm)(event.at), event.source, event.fromStatus, event.toStatus, event.applied ? 1 : 0,
      event.providerEventId ?? null, event.providerEventType ?? null, event.note ?? null,
    ],
  );
}

/**
 * The guarded status write: changes the row only while it still has the version and status the
 * change was decided on. Returns whether it did (false: another path got there first).
 */
export async function updateStatusIfUnchanged(
  orm: Orm,
  trx: Transaction,
  guard: { id: number; version: number; status: PaymentStatus },
  changes: { status: PaymentStatus; version: number; updatedAt: Date; checkoutUrl?: string | null; providerSessionId?: string | null },
): Promise<boolean> {
  const sets = ['`status` = ?', '`version` = ?', '`updated_at` = ?'];
  const values: unknown[] = [changes.status, changes.version, dateFor(orm)(changes.updatedAt)];
  if (changes.checkoutUrl !== undefined) sets.push('`checkout_url` = ?'), values.push(changes.checkoutUrl);
  if (changes.providerSessionId !== undefined) sets.push('`provider_session_id` = ?'), values.push(changes.providerSessionId);
  const result = await run(orm, trx, `update \`payment\` set ${sets.join(', ')} where \`id\` = ? and \`version\` = ? and \`status\` = ?`, [
    ...values,
    guard.id,
    guard.version,
    guard.status,
  ]);
  return result.affectedRows === 1;
}

/** Dates as the ORM writes them on this dialect (SQLite keeps epoch milliseconds). */
function dateFor(orm: Orm): (date: Date) => unknown {
  const platform = orm.em.getPlatform();
  return (date) => platform.processDateProperty(date);
}

async function run(orm: Orm, trx: Transaction | undefined, sql: string, params: unknown[]): Promise<{ insertId: unknown; affectedRows: number }> {
  try {
    return (await orm.em.getConnection().execute(sql, params, 'run', trx)) as { insertId: unknown; affectedRows: number };
  } catch (error) {
    throw orm.em.getDriver().convertException(error as Error);
  }
}
