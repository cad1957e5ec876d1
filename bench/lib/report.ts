/** The one table `npm run bench` prints: every run, then every target with its verdict. */
import type { LoadResult } from './load';
import type { Judged } from './targets';
import type { SubscriptionFigures } from '../subscriptions';

export function formatTable(
  results: Record<string, LoadResult[]>,
  paced: LoadResult | null,
  subscriptions: SubscriptionFigures | null,
  judged: Judged[],
  machine: { cpu: string; memoryGiB: number; node: string; mariadb: string; redis: boolean },
): string {
  const rows: string[][] = [['scenario', 'target', 'conns', 'req/s', 'p50 ms', 'p99 ms', 'CPU ms/req', 'failed']];
  for (const [scenario, runs] of Object.entries(results)) {
    for (const run of runs) rows.push([scenario, run.target, String(run.connections), fixed(run.throughput, 0), fixed(run.p50, 1), fixed(run.p99, 1), fixed(run.serverCpuMs ?? NaN, 2), String(run.failures)]);
  }
  if (paced) rows.push(['webhook ingest', `${paced.target} (paced 200/s)`, String(paced.connections), fixed(paced.throughput, 0), fixed(paced.p50, 1), fixed(paced.p99, 1), fixed(paced.serverCpuMs ?? NaN, 2), String(paced.failures)]);
  if (subscriptions) rows.push([
    'subscriptions',
    `${subscriptions.opened} graphql-ws subscribers`,
    '',
    '',
    fixed(subscriptions.delayMs.p50, 1),
    fixed(subscriptions.delayMs.p99, 1),
    '',
    String(subscriptions.errors),
  ]);
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  const line = (row: string[]) => row.map((cell, column) => (column < 2 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('  ');
  const out = [
    `Machine: ${machine.cpu}, ${machine.memoryGiB} GiB, Node ${machine.node}, MariaDB ${machine.mariadb}, Redis ${machine.redis ? 'on' : 'off'}`,
    '',
    line(rows[0]),
    widths.map((width) => '─'.repeat(width)).join('  '),
    ...rows.slice(1).map(line),
    '',
    subscriptions ? `Subscribers: ${fixed(subscriptions.bytesPerSubscriber.rss / 1024, 1)} KB RSS and ${fixed(subscriptions.bytesPerSubscriber.heap / 1024, 1)} KB heap each; ` +
      `${subscriptions.arrived}/${subscriptions.completions} completions heard, max delay ${fixed(subscriptions.delayMs.max, 0)} ms; opened in ${fixed(subscriptions.openSeconds, 1)} s` : 'Subscribers: not run',
    '',
    'Targets',
    ...judged.map((j) => `  ${j.met ? 'met   ' : 'MISSED'}  ${j.what}: ${shown(j)} (target ${j.target})`),
    '',
  ];
  return out.join('\n');
}

/** A judged value, rounded towards missing its target so that the printed figure never looks better than it is. */
function shown(judged: Judged): string {
  const digits = judged.value < 10 ? 2 : 0;
  const scale = 10 ** digits;
  const towardsMissing = judged.target.startsWith('≥') ? Math.floor(judged.value * scale) : Math.ceil(judged.value * scale);
  return (towardsMissing / scale).toFixed(digits);
}

const fixed = (value: number, digits: number) => (Number.isFinite(value) ? value.toFixed(digits) : '—');
