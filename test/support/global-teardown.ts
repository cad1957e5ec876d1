import { createConnection } from 'mysql2/promise';

export default async function globalTeardown(): Promise<void> {
  const name = process.env.TEST_DATABASE_NAME;
  if (!name || process.env.KEEP_TEST_DATABASE) return;
  const connection = await createConnection((process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306').replace(/\/+$/, ''));
  // The suite's database and the scratch databases made from its name (scratch-database.ts).
  const [rows] = await connection.query('show databases like ?', [`${name}%`]);
  for (const row of rows as Record<string, string>[]) await connection.query(`drop database if exists \`${Object.values(row)[0]}\``);
  await connection.end();
}
