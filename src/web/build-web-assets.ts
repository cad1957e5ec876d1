/**
 * `npm run build` runs this after tsc: builds the GraphiQL bundle when its inputs changed (a no-op
 * otherwise) and drops older builds. It prints nothing on stdout, since `npm run -s merchant:create`
 * runs the build before printing the one JSON line that scripts parse.
 */
import { ensureGraphiqlAssets, removeOtherGraphiqlBuilds } from './web-assets';

async function main(): Promise<void> {
  const started = Date.now();
  const assets = await ensureGraphiqlAssets();
  removeOtherGraphiqlBuilds(assets);
  if (Date.now() - started > 500) process.stderr.write(`GraphiQL assets built in ${assets.dir}\n`);
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
