import { median } from './stats.ts';
import type { Measurement } from './workloads/types.ts';

/** Every measurement of one workload × target × round. */
export interface Sample extends Measurement {
  workload: string;
  target: string;
  round: number;
}

export interface TableRow {
  workload: string;
  metric: string;
  budget: string;
  unit: Measurement['unit'];
  /** Median over rounds per target, or the note saying why the target cannot express it. */
  cells: Record<string, { median: number; rounds: number } | { note: string }>;
}

export function aggregate(samples: Sample[]): TableRow[] {
  const rows = new Map<string, TableRow>();
  for (const s of samples) {
    const key = `${s.workload}\u0000${s.metric}`;
    let row = rows.get(key);
    if (!row) {
      row = { workload: s.workload, metric: s.metric, budget: s.budget ?? '', unit: s.unit, cells: {} };
      rows.set(key, row);
    }
    if (s.note !== undefined) row.cells[s.target] = { note: s.note };
  }
  for (const row of rows.values()) {
    const byTarget = new Map<string, number[]>();
    for (const s of samples)
      if (s.workload === row.workload && s.metric === row.metric && s.note === undefined)
        byTarget.set(s.target, [...(byTarget.get(s.target) ?? []), s.value]);
    for (const [target, values] of byTarget)
      row.cells[target] = { median: median(values), rounds: values.length };
  }
  return [...rows.values()];
}

export function formatValue(value: number, unit: Measurement['unit']): string {
  if (!Number.isFinite(value)) return 'n/a';
  if (unit === 'ms') return `${value.toFixed(value < 1 ? 3 : value < 100 ? 2 : 0)} ms`;
  if (unit === '/s') return `${Math.round(value).toLocaleString('en')}/s`;
  if (unit === 'B') return `${Math.round(value).toLocaleString('en')} B`;
  if (unit === '×') return `${value.toFixed(2)}×`;
  if (unit === '%') return `${value.toFixed(0)} %`;
  if (unit === '') return Math.round(value).toLocaleString('en');
  return `${value.toFixed(unit === 's' ? 2 : 1)} ${unit}`;
}

/** The markdown table: one column per target, then ours ÷ each peer. */
export function renderTable(rows: TableRow[], targets: string[]): string {
  const [ours, ...peers] = targets;
  const header = ['W', 'metric', 'budget', ...targets, ...peers.map((p) => `${ours}/${p}`)];
  const body = rows.map((row) => {
    const cell = (t: string) => {
      const c = row.cells[t];
      if (!c) return '';
      return 'note' in c ? c.note : formatValue(c.median, row.unit);
    };
    const ratio = (peer: string) => {
      const a = row.cells[ours!];
      const b = row.cells[peer];
      if (!a || !b || 'note' in a || 'note' in b || !(b.median > 0)) return '';
      return `${(a.median / b.median).toFixed(2)}`;
    };
    return [row.workload, row.metric, row.budget, ...targets.map(cell), ...peers.map(ratio)];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}
