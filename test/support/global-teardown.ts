import { createConnection } from 'mysql2/promise';

export default async function globalTeardown(): Promise<void> {
  const name = process.env.TEST_DATABASE_NAME;
  if (!name || process.env.KEEP_TEST_DATABASE) return;
  const connection = await createConnection((process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306').replace(/\/+$/, ''));
  await connection.query(`drop database if exists \`${name}\``);
  await connection.end();
}
