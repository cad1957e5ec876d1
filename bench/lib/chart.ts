/**
 * The bench's chart: throughput and p99 against concurrency, one column per scenario, gateway and
 * floor side by side. Drawn with Vega-Lite and rendered to SVG headlessly by Vega (no browser, no canvas).
 */
import * as vega from 'vega';
import * as vegaLite from 'vega-lite';

export interface ChartPoint {
  scenario: string;
  target: string;
  concurrency: number;
  throughput: number;
  p99: number;
}

export async function renderChart(points: ChartPoint[], title: string): Promise<string> {
  const data = points.flatMap((point) => [
    { ...point, metric: 'throughput (req/s)', value: point.throughput },
    { ...point, metric: 'p99 latency (ms)', value: point.p99 },
  ]);
  const spec: vegaLite.TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title,
    data: { values: data },
    facet: {
      row: { field: 'metric', type: 'nominal', title: null, sort: ['throughput (req/s)', 'p99 latency (ms)'] },
      column: { field: 'scenario', type: 'nominal', title: null, sort: { field: 'scenario' } },
    },
    resolve: { scale: { y: 'independent' } },
    spec: {
      width: 220,
      height: 160,
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: 'concurrency', type: 'quantitative', scale: { type: 'log', base: 2 }, title: 'concurrent connections' },
        y: { field: 'value', type: 'quantitative', title: null },
        color: { field: 'target', type: 'nominal', title: null, legend: { orient: 'bottom', columns: 3, labelLimit: 400 } },
        tooltip: [{ field: 'target' }, { field: 'concurrency' }, { field: 'value', format: '.1f' }],
      },
    },
    config: { font: 'sans-serif' },
  };
  const view = new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}
