/** What the command-line tools share: the same config and database as the server, and flag parsing. */
import 'reflect-metadata';
import { loadConfig, ConfigError } from '../config';
import { createOrm, migrate, type Orm } from '../orm';

export function flag(name: string, argv = process.argv.slice(2)): string | undefined {
  const index = argv.indexOf(`--${name}`);
  if (index >= 0) return argv[index + 1];
  const inline = argv.find((arg) => arg.startsWith(`--${name}=`));
  return inline?.slice(name.length + 3);
}

/** Runs a tool against the server's database (migrated first), printing errors as one line on stderr. */
export async function runWithDatabase(
  tool: (orm: Orm, config: ReturnType<typeof loadConfig>) => Promise<void>,
  options: { migrateFirst: boolean } = { migrateFirst: true },
): Promise<void> {
  let orm: Orm | undefined;
  try {
    const config = loadConfig(process.env, { forTool: true });
    orm = await createOrm(config.database);
    if (options.migrateFirst) await migrate(orm);
    await tool(orm, config);
  } catch (error) {
    process.exitCode = 1;
    console.error(error instanceof ConfigError || error instanceof Error ? error.message : String(error));
  } finally {
    await orm?.close();
  }
}
