/**
 * MikroORM set-up for MySQL/MariaDB and the embedded SQLite default. Migrations are listed explicitly
 * per dialect (migrations/mysql, migrations/sqlite) because the two differ in DDL; they run
 * non-transactionally since MariaDB commits DDL implicitly anyway.
 */
import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { MikroORM, type Options } from '@mikro-orm/core';
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
