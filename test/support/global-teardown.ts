import { existsSync, readFileSync } from 'node:fs';
import { createConnection } from 'mysql2/promise';

/** What must never reach a log: API keys, Stripe keys, webhook secrets, bearer headers. */
const SECRET_PATTERNS = [/sk_gw_[0-9A-Za-z]{20,}/, /pk_gw_[0-9A-Za-z]{20,}/, /whsec_[0-9A-Za-z]{8,}/, /sk_(test|live)_[0-9A-Za-z_]{6,}/, /Bearer\s+[\w-]{10,}/];

export default async function globalTeardown(): Promise<void> {
  checkLogHoldsNoSecret();
  await dropDatabases();
}

function checkLogHoldsNoSecret(): void {
  const file = process.env.TEST_LOG_FILE;
  if (!file || !existsSync(file)) return;
  const lines = readFileSync(file, 'utf8').split('\n');
  const leaks = lines.filter((line) => SECRET_PATTERNS.some((pattern) => pattern.test(line)));
  // The whole suite (npm test) must have logged plenty, or this check would prove nothing; a run of a
  // few files may log little.
  if (process.env.TEST_LOG_REQUIRED && lines.length < 100) {
    throw new Error(`The suite's log ${file} is nearly empty: the secret check would prove nothing`);
  }
  if (leaks.length) {
    const shown = leaks.slice(0, 5).map((line) => line.replace(/(sk_gw_|pk_gw_|whsec_|sk_test_|sk_live_|Bearer\s+)[\w-]+/g, '$1<redacted here>'));
    throw new Error(`${leaks.length} log line(s) of ${file} hold a secret, e.g.:\n${shown.join('\n')}`);
  }
  console.log(`\nlog check: ${lines.length} lines in ${file}, no secret`);
}

async function dropDatabases(): Promise<void> {
  const name = process.env.TEST_DATABASE_NAME;
  if (!name || process.env.KEEP_TEST_DATABASE) return;
  const connection = await createConnection((process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306').replace(/\/+$/, ''));
  // The suite's database and the scratch databases made from its name (scratch-database.ts).
  const [rows] = await connection.query('show databases like ?', [`${name}%`]);
  for (const row of rows as Record<string, string>[]) await connection.query(`drop database if exists \`${Object.values(row)[0]}\``);
  await connection.end();
}
