/**
 * MikroORM set-up for MySQL/MariaDB and the embedded SQLite default. Migrations are listed explicitly
 * per dialect (migrations/mysql, migrations/sqlite) because the two differ in DDL; they run
 * non-transactionally since MariaDB commits DDL implicitly anyway.
 */
import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { MikroORM, type EntityDictionary, type Options, type Transaction } from '@mikro-orm/core';
import { MySqlDriver } from '@mikro-orm/mysql';
import { LibSqlDriver } from '@mikro-orm/libsql';
import { Migrator } from '@mikro-orm/migrations';
import type { DatabaseConfig } from './config';
import { Merchant } from './entities/merchant.entity';
import { Payment } from './entities/payment.entity';
import { PaymentEvent } from './entities/payment-event.entity';
import { IdempotencyRecord } from './entities/idempotency-record.entity';
import { JobLease } from './entities/job-lease.entity';
import { mysqlMigrations } from '../migrations/mysql';
import { sqliteMigrations } from '../migrations/sqlite';

export const ENTITIES = [Merchant, Payment, PaymentEvent, IdempotencyRecord, JobLease];

export type Orm = MikroORM;

export async function createOrm(database: DatabaseConfig, options: { poolSize?: number } = {}): Promise<Orm> {
  const common: Options = {
    entities: ENTITIES,
    // Entities are given as classes with explicit column types: no folder scanning, no TS detection.
    discovery: { warnWhenNoEntities: true },
    extensions: [Migrator],
    debug: false,
    allowGlobalContext: false,
    forceUtcTimezone: true,
  };
  if (database.dialect === 'mysql') {
    return MikroORM.init({
      ...common,
      driver: MySqlDriver,
      clientUrl: database.url,
      timezone: '+00:00',
      pool: { min: 0, max: options.poolSize ?? 10 },
      migrations: { migrationsList: mysqlMigrations, transactional: false, allOrNothing: false, snapshot: false, silent: true },
    });
  }
  if (database.path !== ':memory:') keepPrivate(database.path);
  return MikroORM.init({
    ...common,
    driver: LibSqlDriver,
    dbName: database.path,
    migrations: { migrationsList: sqliteMigrations, transactional: false, allOrNothing: false, snapshot: false, silent: true },
  });
}

/**
 * The embedded database holds customers' emails and amounts: it is created readable by its owner only
 * (SQLite gives its journal and WAL files the database file's mode), and a file left readable by an
 * older version is tightened. A new data folder is private too.
 */
function keepPrivate(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  closeSync(openSync(path, 'a', 0o600));
  chmodSync(path, 0o600);
}

/** Applies pending migrations; returns the names applied. */
export async function migrate(orm: Orm): Promise<string[]> {
  const applied = await orm.getMigrator().up();
  return applied.map((migration) => migration.name);
}

/** The connection pool's state, for the metrics; null when the driver keeps no pool. */
export function poolStats(orm: Orm): { used: number; free: number; pending: number } | null {
  const knex = (orm.em.getConnection() as unknown as { getKnex?: () => { client?: { pool?: any } } }).getKnex?.();
  const pool = knex?.client?.pool;
  if (!pool) return null;
  return { used: pool.numUsed(), free: pool.numFree(), pending: pool.numPendingAcquires() };
}

export async function isDatabaseReachable(orm: Orm): Promise<boolean> {
  try {
    await orm.em.fork().getConnection().execute('select 1');
    return true;
  } catch {
    return false;
  }
}

/*
 * The hot paths' data access (creating a payment, a status change, reading a payment and its
 * history). `npm run bench` measured MikroORM's entity operations there at two to four times the CPU
 * of the same statement sent plainly, and CPU is what bounds the gateway's throughput. These keep the
 * ORM's mapping (column names, JSON, dates, per dialect) and drop the rest: no identity map, no unit
 * of work, no query builder. Everything else keeps using the EntityManager.
 */

/**
 * Rows selected with plain, portable SQL, mapped to entity objects by the ORM's own compiled row
 * mapper (column names, dates and booleans per dialect) and its custom types (JSON). The objects are
 * not managed by any EntityManager: the hot paths only read them, and `em.map`'s merge into an
 * identity map was most of this function's cost in the bench's profile.
 */
export async function selectEntities<T extends object>(orm: Orm, entity: new () => T, sql: string, params: unknown[]): Promise<T[]> {
  const rows = (await orm.em.getConnection().execute(sql, params)) as EntityDictionary<T>[];
  const meta = orm.getMetadata().get<T>(entity.name);
  const platform = orm.em.getPlatform();
  const comparator = orm.em.getComparator();
  return rows.map((row) => {
    const data = comparator.mapResult<T>(meta.className, row) as Record<string, unknown>;
    const object = new entity() as Record<string, unknown>;
    // Only the entity's properties: a generated column (payment's order_hold) stays in the database.
    for (const prop of meta.props) {
      if (!(prop.name in data)) continue;
      const value = data[prop.name];
      object[prop.name] = prop.customType && value != null ? prop.customType.convertToJSValue(value, platform) : value;
    }
    return object as T;
  });
}

/**
 * A transaction on the connection itself, for a few plain writes (services/payments/payment-writes.ts):
 * the EntityManager's `transactional` adds a forked context and a flush that these writes never need.
 */
export async function inTransaction<T>(orm: Orm, work: (trx: Transaction) => Promise<T>): Promise<T> {
  return orm.em.getConnection().transactional(work);
}
