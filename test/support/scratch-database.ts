/**
 * A database of one's own, for tests whose subject sees every payment (the reconciler, crash and
 * shutdown tests), so other test files running in parallel on the suite's database are not touched.
 */
import { randomBytes } from 'node:crypto';
import { createConnection } from 'mysql2/promise';

export interface ScratchDatabase {
  url: string;
  drop(): Promise<void>;
}

export async function createScratchDatabase(): Promise<ScratchDatabase> {
  const server = (process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306').replace(/\/+$/, '');
  const name = `${process.env.TEST_DATABASE_NAME ?? 'gateway_test'}_${randomBytes(4).toString('hex')}`;
  const connection = await createConnection(server);
  await connection.query(`create database \`${name}\` character set utf8mb4 collate utf8mb4_bin`);
  await connection.end();
  return {
    url: `${server}/${name}`,
    drop: async () => {
      const dropper = await createConnection(server);
      await dropper.query(`drop database if exists \`${name}\``);
      await dropper.end();
    },
  };
}
