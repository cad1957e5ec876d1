/**
 * `node -r ./test/support/swc-register.js bench/profile-summary.ts FILE.cpuprofile [N] [SKIP_SECONDS]`: where a V8
 * CPU profile (written by `npm run bench -- --profile`) spends its time: self time by package or
 * source folder, then the N hottest functions, and total time under each of our own functions.
 * SKIP_SECONDS leaves out the start (module loading, migrations) so the steady state shows.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, topArg, skipArg] = process.argv.slice(2);
if (!file) throw new Error('usage: profile-summary FILE.cpuprofile [N]');
const top = Number(topArg ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;

const skipMicros = Number(skipArg ?? 0) * 1e6;
const selfMicros = new Map<number, number>();
let elapsed = 0;
profile.samples.forEach((id, i) => {
  elapsed += profile.timeDeltas[i] ?? 0;
  if (elapsed >= skipMicros) selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
});
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parentOf = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
const total = [...selfMicros.values()].reduce((a, b) => a + b, 0);

/** node_modules/<package>, src/<folder>, node:internal, or the special frames ((idle), (garbage collector)…). */
function home(url: string, name: string): string {
  if (!url) return name.startsWith('(') ? name : '(native)';
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules) return modules[1];
  const ours = /\/(src|bench|test)\/(.+\/)?[^/]+$/.exec(url);
  if (ours) return `${ours[1]}/${ours[2] ?? ''}`;
  if (url.startsWith('node:')) return 'node:internal';
  return url;
}

const add = (map: Map<string, number>, key: string, micros: number) => map.set(key, (map.get(key) ?? 0) + micros);
const byHome = new Map<string, number>();
const byFunction = new Map<string, number>();
const underOurs = new Map<string, number>();
for (const [id, micros] of selfMicros) {
  const node = byId.get(id)!;
  const { functionName, url, lineNumber } = node.callFrame;
  add(byHome, home(url, functionName), micros);
  add(byFunction, `${functionName || '(anonymous)'} ${home(url, functionName)}:${lineNumber + 1}`, micros);
  // Inclusive time of our own functions: walk up the stack once per distinct function.
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
    const frame = byId.get(at)!.callFrame;
    if (!/\/src\//.test(frame.url)) continue;
    const key = `${frame.functionName || '(anonymous)'} ${home(frame.url, frame.functionName)}:${frame.lineNumber + 1}`;
    if (!seen.has(key)) underOurs.set(key, (underOurs.get(key) ?? 0) + micros), seen.add(key);
  }
}

const print = (title: string, map: Map<string, number>, n: number) => {
  console.log(`\n${title}`);
  for (const [key, micros] of [...map].sort((a, b) => b[1] - a[1]).slice(0, n)) {
    console.log(`${((100 * micros) / total).toFixed(1).padStart(6)}%  ${(micros / 1000).toFixed(0).padStart(7)} ms  ${key}`);
  }
};
console.log(`${file}: ${(total / 1e6).toFixed(1)} s sampled`);
print('Self time by package / folder', byHome, top);
print('Hottest functions (self time)', byFunction, top);
print('Our functions, inclusive', underOurs, top);
