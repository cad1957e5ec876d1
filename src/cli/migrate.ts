/** `npm run migrate`: applies pending migrations to DATABASE_URL and says which. */
import { migrate } from '../orm';
import { runWithDatabase } from './cli-support';

void runWithDatabase(async (orm) => {
  const applied = await migrate(orm);
  console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database schema is up to date');
}, { migrateFirst: false });
