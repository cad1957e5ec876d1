/**
 * Builds the GraphiQL page's browser bundle with esbuild from npm packages (graphiql, React,
 * @graphiql/toolkit, graphql-ws, Monaco), so the page needs nothing but this server: no CDN.
 *
 * The output goes to `dist/web-assets/graphiql-<fingerprint>/`, where the fingerprint hashes the
 * lockfile and our browser sources: a changed dependency or source gets a new folder (and new asset
 * URLs, so browsers never mix an old script with a new worker); an unchanged one is not rebuilt.
 * `npm run build` runs it (build-web-assets.ts); the GraphiQL router also runs it on first use, so
 * tests and a fresh checkout work without a separate step. Building into a temporary folder and
 * renaming it into place keeps concurrent builders (jest workers, two instances) from seeing a
 * half-written folder.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** Bump to force a rebuild when the build options below change. */
const BUILD_FORMAT = 1;

/** The repository root: the nearest folder above this file with a package.json (src/web or dist/src/web). */
export function projectRoot(from: string = __dirname): string {
  let dir = resolve(from);
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${from}`);
    dir = parent;
  }
  return dir;
}

export interface GraphiqlAssets {
  /** The folder holding graphiql.js, graphiql.css and the *.worker.js files. */
  dir: string;
  /** Changes whenever the bundle's inputs change; part of the asset URLs. */
  fingerprint: string;
}

const BROWSER_SOURCES = ['src/web/browser/graphiql-app.js', 'src/web/browser/graphiql-page.css'];

/** Hash of everything that decides the bundle's content. */
export function graphiqlFingerprint(root = projectRoot()): string {
  const hash = createHash('sha256').update(`format ${BUILD_FORMAT}\n`);
  for (const file of ['package-lock.json', ...BROWSER_SOURCES]) {
    const path = join(root, file);
    hash.update(`${file}\n`).update(existsSync(path) ? readFileSync(path) : 'absent').update('\n');
  }
  return hash.digest('hex').slice(0, 16);
}

export function graphiqlAssetsDir(root = projectRoot(), fingerprint = graphiqlFingerprint(root)): string {
  return join(root, 'dist', 'web-assets', `graphiql-${fingerprint}`);
}

const building = new Map<string, Promise<GraphiqlAssets>>();

/** The built GraphiQL assets, building them first when they are missing (once per process). */
export function ensureGraphiqlAssets(root = projectRoot(), fingerprint = graphiqlFingerprint(root)): Promise<GraphiqlAssets> {
  const dir = graphiqlAssetsDir(root, fingerprint);
  if (existsSync(join(dir, 'graphiql.js'))) return Promise.resolve({ dir, fingerprint });
  let pending = building.get(dir);
  if (!pending) {
    pending = buildGraphiqlAssets(root, fingerprint, dir).finally(() => building.delete(dir));
    building.set(dir, pending);
  }
  return pending;
}

async function buildGraphiqlAssets(root: string, fingerprint: string, dir: string): Promise<GraphiqlAssets> {
  // Loaded on demand: esbuild is a devDependency, needed only where the bundle is built.
  const esbuild = await import('esbuild');
  const parent = dirname(dir);
  mkdirSync(parent, { recursive: true });
  const tmp = join(parent, `.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  const fromDeps = (specifier: string) => require.resolve(specifier, { paths: [root] });
  try {
    await esbuild.build({
      absWorkingDir: root,
      entryPoints: {
        graphiql: join(root, BROWSER_SOURCES[0]),
        'editor.worker': fromDeps('monaco-editor/esm/vs/editor/editor.worker.js'),
        'json.worker': fromDeps('monaco-editor/esm/vs/language/json/json.worker.js'),
        'graphql.worker': fromDeps('monaco-graphql/esm/graphql.worker.js'),
      },
      outdir: tmp,
      bundle: true,
      // Classic scripts and classic workers: no module loading, dynamic imports are inlined.
      format: 'iife',
      platform: 'browser',
      target: ['es2020'],
      minify: true,
      legalComments: 'linked',
      define: { 'process.env.NODE_ENV': '"production"' },
      // Monaco's codicon font is a file; GraphiQL's own fonts are inlined as data: URLs already.
      loader: { '.ttf': 'file', '.woff': 'file', '.woff2': 'file', '.svg': 'file', '.png': 'file' },
      assetNames: '[name]-[hash]',
      logLevel: 'silent',
    });
    try {
      renameSync(tmp, dir);
    } catch (error) {
      // Another process finished the same fingerprint first: theirs is as good as ours.
      if (!existsSync(join(dir, 'graphiql.js'))) throw error;
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return { dir, fingerprint };
}

/**
 * Removes other fingerprints' folders. Only `npm run build` calls it: a server still running an older
 * build serves from its own folder, so nothing that runs alongside one may delete it.
 */
export function removeOtherGraphiqlBuilds(keep: GraphiqlAssets): void {
  const parent = dirname(keep.dir);
  for (const name of readdirSync(parent)) {
    const path = join(parent, name);
    if (path !== keep.dir && name.startsWith('graphiql-')) rmSync(path, { recursive: true, force: true });
  }
}
