/**
 * The one way to the payment tables (`payment`, `payment_event`): every read and write of them is a
 * method here, and no other module names a column of theirs.
 *
 * Column names and value conversions come from the entities' metadata (entities/payment.entity.ts,
 * payment-event.entity.ts), read once at construction: a new column is declared on its entity (and
 * in the migrations), never again here.
 *
 * The hot paths (creating a payment, a status change, reading a payment and its history) are plain
 * SQL on the connection: `npm run bench` measured MikroORM's entity operations there (`findOne`,
 * `em.transactional`, `nativeUpdate`, `em.map`) at two to four times the CPU of the same statement
 * sent plainly, and CPU is what bounds the gateway's throughput. Values are converted as the ORM
 * converts them (dates per dialect, JSON as text), rows are mapped by the ORM's own compiled mapper,
 * errors too (a unique violation is the ORM's UniqueConstraintViolationException), and the SQL is the
 * same on MySQL, MariaDB and SQLite. The colder paths (a page of payments, the reconciler's
 * candidates) use the EntityManager.
 */
import {
  JsonType,
  UniqueConstraintViolationException,
  type EntityDictionary,
  type EntityMetadata,
  type EntityProperty,
  type Transaction,
} from '@mikro-orm/core';
import type { Orm } from '../../orm';
import { Payment } from '../../entities/payment.entity';
import { PaymentEvent } from '../../entities/payment-event.entity';
import { ORDER_HOLDING_STATUSES, PaymentStatus } from '../../domain/payment-status';

export type NewPayment = Omit<Payment, 'id' | 'checkoutUrl' | 'providerSessionId' | 'reconcileLeaseUntil'>;
export type NewPaymentEvent = Omit<PaymentEvent, 'id' | 'providerEventId' | 'providerEventType' | 'note'> &
  Partial<Pick<PaymentEvent, 'providerEventId' | 'providerEventType' | 'note'>>;

/** What a status write may change besides the status, e.g. the session when the payment becomes PENDING. */
export interface StatusChange {
  status: PaymentStatus;
  version: number;
  updatedAt: Date;
  checkoutUrl?: string | null;
  providerSessionId?: string | null;
}

/** The filter of a page of payments; `idBelow`/`idAbove` bound it by row id (the cursors). */
export interface PaymentPageQuery {
  merchantId: string;
  status?: PaymentStatus;
  orderId?: string;
  idBelow: number | null;
  idAbove: number | null;
  newestFirst: boolean;
  limit: number;
}

/** One table's columns, in the entity's property order, each with its conversion to a database value. */
interface TableShape<T> {
  table: string;
  /** Column name of each property, e.g. `merchantId` → `merchant_id`. */
  column: Record<keyof T & string, string>;
  /** Every column but the primary key, as an insert writes them. */
  insertable: { name: keyof T & string; toDatabase: (value: unknown) => unknown }[];
  /** `insert into … (…) values (?, …)` over `insertable`. */
  insertSql: string;
  /** The select list of every entity column, quoted (a generated column, payment's order_hold, stays out). */
  selectList: string;
}

export class PaymentRepository {
  private readonly payment: TableShape<Payment>;
  private readonly event: TableShape<PaymentEvent>;

  constructor(private readonly orm: Orm) {
    this.payment = this.shapeOf(Payment);
    this.event = this.shapeOf(PaymentEvent);
  }

  // ----- reads of one payment -----------------------------------------------------------------

  /** The merchant's payment by ref; another merchant's payment does not exist for this caller. */
  async findOwned(merchantId: string, ref: string): Promise<Payment | null> {
    return this.selectOnePayment(`${this.col('ref')} = ? and ${this.col('merchantId')} = ?`, [ref, merchantId]);
  }

  /** Any merchant's payment by ref (the customer's browser carries only the ref). */
  async findByRef(ref: string): Promise<Payment | null> {
    return this.selectOnePayment(`${this.col('ref')} = ?`, [ref]);
  }

  async findById(id: number): Promise<Payment | null> {
    return this.selectOnePayment(`${this.col('id')} = ?`, [id]);
  }

  /** The payment whose checkout session this is. */
  async findBySessionId(sessionId: string): Promise<Payment | null> {
    return this.selectOnePayment(`${this.col('providerSessionId')} = ?`, [sessionId]);
  }

  /** A payment by ref that has not learnt its session yet (its creation was interrupted). */
  async findSessionlessByRef(ref: string): Promise<Payment | null> {
    return this.selectOnePayment(`${this.col('ref')} = ? and ${this.col('providerSessionId')} is null`, [ref]);
  }

  /** The ref of the payment holding this order (what ORDER_CONFLICT names), if any. */
  async findOrderHolder(merchantId: string, orderId: string): Promise<string | null> {
    const holder = await this.orm.em.fork().findOne(
      Payment,
      { merchantId, orderId, status: { $in: [...ORDER_HOLDING_STATUSES] } },
      { fields: ['ref'] },
    );
    return holder?.ref ?? null;
  }

  /** A payment's history, oldest first. */
  async eventsOf(paymentId: number): Promise<PaymentEvent[]> {
    return this.select(PaymentEvent, this.event, `${this.eventCol('paymentId')} = ? order by ${this.eventCol('id')}`, [paymentId]);
  }

  // ----- writes -------------------------------------------------------------------------------

  /**
   * Inserts a payment and the first line of its history in one transaction; returns the payment's id.
   * The unique order hold may refuse both (UniqueConstraintViolationException).
   */
  async insertWithFirstEvent(payment: NewPayment, firstEvent: Omit<NewPaymentEvent, 'paymentId'>): Promise<number> {
    return this.orm.em.getConnection().transactional(async (trx) => {
      const { insertId } = await this.run(trx, this.payment.insertSql, this.insertValues(this.payment, payment));
      const id = Number(insertId);
      await this.run(trx, this.event.insertSql, this.insertValues(this.event, { ...firstEvent, paymentId: id }));
      return id;
    });
  }

  /**
   * The guarded status write, with its history line, in one transaction: changes the row only while
   * it still has the version and status the change was decided on. Returns whether it did (false:
   * another path got there first, and no history line was written). A provider event recorded
   * before for this payment throws UniqueConstraintViolationException and changes nothing.
   */
  async updateStatusWithEvent(guard: { id: number; version: number; status: PaymentStatus }, change: StatusChange, event: NewPaymentEvent): Promise<boolean> {
    const sets = [`${this.col('status')} = ?`, `${this.col('version')} = ?`, `${this.col('updatedAt')} = ?`];
    const values: unknown[] = [change.status, change.version, this.date(change.updatedAt)];
    if (change.checkoutUrl !== undefined) sets.push(`${this.col('checkoutUrl')} = ?`), values.push(change.checkoutUrl);
    if (change.providerSessionId !== undefined) sets.push(`${this.col('providerSessionId')} = ?`), values.push(change.providerSessionId);
    const sql =
      `update ${this.payment.table} set ${sets.join(', ')} ` +
      `where ${this.col('id')} = ? and ${this.col('version')} = ? and ${this.col('status')} = ?`;
    return this.orm.em.getConnection().transactional(async (trx) => {
      const { affectedRows } = await this.run(trx, sql, [...values, guard.id, guard.version, guard.status]);
      if (affectedRows !== 1) return false;
      await this.run(trx, this.event.insertSql, this.insertValues(this.event, event));
      return true;
    });
  }

  /** A history line on its own (a provider event that changed nothing). False: that provider event was already recorded. */
  async insertEventOnce(event: NewPaymentEvent): Promise<boolean> {
    try {
      await this.run(undefined, this.event.insertSql, this.insertValues(this.event, event));
      return true;
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) return false;
      throw error;
    }
  }

  // ----- lists --------------------------------------------------------------------------------

  /** One page of a merchant's payments, ordered by row id. */
  async page(query: PaymentPageQuery): Promise<Payment[]> {
    return this.orm.em.fork().find(
      Payment,
      { ...this.matching(query), ...this.idRange(query.idBelow, query.idAbove) },
      { orderBy: { id: query.newestFirst ? 'desc' : 'asc' }, limit: query.limit },
    );
  }

  /** The histories of several payments, oldest line first. */
  async eventsOfMany(paymentIds: number[]): Promise<PaymentEvent[]> {
    if (paymentIds.length === 0) return [];
    return this.orm.em.fork().find(PaymentEvent, { paymentId: { $in: paymentIds } }, { orderBy: { id: 'asc' } });
  }

  /** Whether any payment matching `query`'s filter has an id at or beyond `id` on the given side. */
  async anyAtOrBeyond(query: Pick<PaymentPageQuery, 'merchantId' | 'status' | 'orderId'>, id: number, side: 'older' | 'newer'): Promise<boolean> {
    const bound = side === 'older' ? { $lte: id } : { $gte: id };
    return (await this.orm.em.fork().findOne(Payment, { ...this.matching(query), id: bound }, { fields: ['id'] })) !== null;
  }

  // ----- the reconciler's candidates, each claimed with a lease --------------------------------

  /** PROCESSING payments untouched since `before`: their creation was interrupted. */
  claimInterruptedCreations(before: Date, holdMs: number, limit: number): Promise<Payment[]> {
    return this.claimCandidates({ status: PaymentStatus.PROCESSING, updatedAt: { $lt: before } }, holdMs, limit);
  }

  /** PENDING payments with a session, past their expiry or without news since `quietSince`. */
  claimQuietPending(now: Date, quietSince: Date, holdMs: number, limit: number): Promise<Payment[]> {
    return this.claimCandidates(
      {
        status: PaymentStatus.PENDING,
        providerSessionId: { $ne: null },
        $or: [{ expiresAt: { $lt: now } }, { updatedAt: { $lt: quietSince } }],
      },
      holdMs,
      limit,
    );
  }

  /**
   * Payments matching `where` that this instance now holds: each candidate is claimed with an update
   * guarded by its lease having lapsed, which only one instance can win.
   */
  private async claimCandidates(where: Record<string, unknown>, holdMs: number, limit: number): Promise<Payment[]> {
    const em = this.orm.em.fork();
    const now = new Date();
    const free = { $or: [{ reconcileLeaseUntil: null }, { reconcileLeaseUntil: { $lt: now } }] };
    const found = await em.find(Payment, { $and: [where, free] }, { orderBy: { updatedAt: 'asc' }, limit });
    const claimed: Payment[] = [];
    for (const payment of found) {
      const won = await em.nativeUpdate(Payment, { $and: [{ id: payment.id }, free] }, { reconcileLeaseUntil: new Date(now.getTime() + holdMs) });
      if (won === 1) claimed.push(payment);
    }
    return claimed;
  }

  // ----- plumbing -----------------------------------------------------------------------------

  private matching(query: Pick<PaymentPageQuery, 'merchantId' | 'status' | 'orderId'>): Record<string, unknown> {
    return {
      merchantId: query.merchantId,
      ...(query.status !== undefined ? { status: query.status } : {}),
      ...(query.orderId !== undefined ? { orderId: query.orderId } : {}),
    };
  }

  private idRange(below: number | null, above: number | null): Record<string, unknown> {
    if (below === null && above === null) return {};
    return { id: { ...(below !== null ? { $lt: below } : {}), ...(above !== null ? { $gt: above } : {}) } };
  }

  private col(name: keyof Payment & string): string {
    return this.payment.column[name];
  }

  private eventCol(name: keyof PaymentEvent & string): string {
    return this.event.column[name];
  }

  private async selectOnePayment(where: string, params: unknown[]): Promise<Payment | null> {
    const [payment] = await this.select(Payment, this.payment, where, params);
    return payment ?? null;
  }

  /**
   * Rows selected with plain, portable SQL, mapped to entity objects by the ORM's own compiled row
   * mapper (column names, dates and booleans per dialect) and its custom types (JSON). The objects are
   * not managed by any EntityManager: the hot paths only read them, and `em.map`'s merge into an
   * identity map was most of this function's cost in the bench's profile.
   */
  private async select<T extends object>(entity: new () => T, shape: TableShape<T>, where: string, params: unknown[]): Promise<T[]> {
    const rows = (await this.orm.em.getConnection().execute(`select ${shape.selectList} from ${shape.table} where ${where}`, params)) as EntityDictionary<T>[];
    const meta = this.orm.getMetadata().get<T>(entity.name);
    const platform = this.orm.em.getPlatform();
    const comparator = this.orm.em.getComparator();
    return rows.map((row) => {
      const data = comparator.mapResult<T>(meta.className, row) as Record<string, unknown>;
      const object = new entity() as Record<string, unknown>;
      for (const prop of meta.props) {
        if (!(prop.name in data)) continue;
        const value = data[prop.name];
        object[prop.name] = prop.customType && value != null ? prop.customType.convertToJSValue(value, platform) : value;
      }
      return object as T;
    });
  }

  private insertValues<T>(shape: TableShape<T>, row: Partial<Record<keyof T & string, unknown>>): unknown[] {
    return shape.insertable.map(({ name, toDatabase }) => toDatabase(row[name]));
  }

  private async run(trx: Transaction | undefined, sql: string, params: unknown[]): Promise<{ insertId: unknown; affectedRows: number }> {
    try {
      return (await this.orm.em.getConnection().execute(sql, params, 'run', trx)) as { insertId: unknown; affectedRows: number };
    } catch (error) {
      throw this.orm.em.getDriver().convertException(error as Error);
    }
  }

  /** Dates as the ORM writes them on this dialect (SQLite keeps epoch milliseconds). */
  private date(value: Date): unknown {
    return this.orm.em.getPlatform().processDateProperty(value);
  }

  /** The table's columns and conversions, from the entity's metadata. */
  private shapeOf<T extends object>(entity: new () => T): TableShape<T> {
    const meta: EntityMetadata<T> = this.orm.getMetadata().get<T>(entity.name);
    const quote = (identifier: string) => this.orm.em.getPlatform().quoteIdentifier(identifier);
    const props = meta.props.filter((prop) => prop.persist !== false && prop.fieldNames?.length === 1);
    const column = Object.fromEntries(props.map((prop) => [prop.name, quote(prop.fieldNames[0])])) as Record<keyof T & string, string>;
    const insertable = props
      .filter((prop) => !prop.primary)
      .map((prop) => ({ name: prop.name as keyof T & string, toDatabase: this.converterFor(prop) }));
    const table = quote(meta.tableName);
    return {
      table,
      column,
      insertable,
      insertSql: `insert into ${table} (${insertable.map(({ name }) => column[name]).join(', ')}) values (${insertable.map(() => '?').join(', ')})`,
      selectList: props.map((prop) => column[prop.name as keyof T & string]).join(', '),
    };
  }

  /** How one property's value is written: JSON as text, dates per dialect, booleans as 1/0, absent as null. */
  private converterFor<T>(prop: EntityProperty<T>): (value: unknown) => unknown {
    if (prop.customType instanceof JsonType) return (value) => (value == null ? null : JSON.stringify(value));
    if (prop.runtimeType === 'Date') return (value) => (value == null ? null : this.date(value as Date));
    if (prop.runtimeType === 'boolean') return (value) => (value == null ? null : value ? 1 : 0);
    return (value) => value ?? null;
  }
}
