/**
 * Creates the suite's own MariaDB database (dropped by global-teardown) and migrates it once. The
 * server is TEST_MYSQL_URL (default: root on 127.0.0.1:3306); scripts/test.sh makes sure it runs.
 */
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { createOrm, migrate } from '../../src/orm';

export default async function globalSetup(): Promise<void> {
  const server = (process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306').replace(/\/+$/, '');
  const name = `gateway_test_${Date.now()}_${process.pid}`;
  const connection = await createConnection(server);
  await connection.query(`create database \`${name}\` character set utf8mb4 collate utf8mb4_bin`);
  await connection.end();
  process.env.TEST_DATABASE_URL = `${server}/${name}`;
  process.env.TEST_DATABASE_NAME = name;
  // Every gateway the suite starts logs here; global-teardown checks it holds no secret.
  process.env.TEST_LOG_FILE ??= join(tmpdir(), `${name}.log`);
  writeFileSync(process.env.TEST_LOG_FILE, '');
  const orm = await createOrm({ dialect: 'mysql', url: process.env.TEST_DATABASE_URL });
  await migrate(orm);
  await orm.close();
  // MikroORM keeps entity metadata on globalThis, and jest hands this process's globals to the test
  // environments, where the Maps of another realm break discovery. Leave nothing behind.
  for (const key of Object.keys(globalThis)) if (key.startsWith('mikro-orm-')) delete (globalThis as Record<string, unknown>)[key];
}
