import type { Check, FigureResult, Measurement, Target } from './results';

function formatNumber(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return '—';
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

function formatTarget(target?: Target): string {
  if (!target) return '';
  switch (target.kind) {
    case 'ratio-min':
      return `≥ ${target.value.toFixed(2)}×`;
    case 'ratio-max':
      return `≤ ${target.value.toFixed(2)}×`;
    case 'max':
      return `≤ ${target.value}`;
    case 'equal':
      return `= ${target.value}`;
  }
}

function formatResult(row: Check): string {
  const verdict = row.pass === undefined ? '' : row.pass ? 'PASS' : 'FAIL';
  return row.noisy ? `${verdict}${verdict ? ' ' : ''}(noisy)` : verdict;
}

/** The terminal table: one row per figure and metric, with ratio, target and verdict. */
export function renderTable(figures: FigureResult[]): string {
  const header = ['figure', 'metric', 'ticketgate', 'baseline', 'ratio', 'target', 'result'];
  const rows = figures.flatMap((figure) =>
    figure.checks.map((row) => [
      row.figure,
      `${row.metric} (${row.unit})`,
      formatNumber(row.ticketgate),
      formatNumber(row.baseline),
      row.ratio === null ? '—' : `${row.ratio.toFixed(2)}×`,
      formatTarget(row.target),
      formatResult(row),
    ]),
  );
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  const numeric = new Set([2, 3, 4]);
  const line = (cells: string[]) =>
    cells.map((cell, column) => (numeric.has(column) ? cell.padStart(widths[column]) : cell.padEnd(widths[column]))).join('  ').trimEnd();
  return [line(header), widths.map((width) => '─'.repeat(width)).join('  '), ...rows.map(line)].join('\n');
}

const CONDITION_KEYS: [string, string][] = [
  ['serverCpuCores', 'server cores'],
  ['loadGeneratorCpuUsPerRequest', 'load-gen µs/req'],
  ['clientCpuUsPerHandshake', 'clients µs/hs'],
  ['redisCpuUsPerRequest', 'redis µs/req'],
  ['redisCpuUsPerHandshake', 'redis µs/hs'],
  ['otherCpuCores', 'other cores'],
  ['loadAverage1m', 'load 1m'],
  ['seconds', 'window s'],
];

function conditions(side: string, measurement: Measurement): string {
  const parts = CONDITION_KEYS.filter(([key]) => typeof measurement[key] === 'number').map(([key, label]) => `${label} ${formatNumber(Number(measurement[key]))}`);
  return parts.length > 0 ? `  ${side.padEnd(10)} ${parts.join(' · ')}` : '';
}

/** Under the table: what else used the machine in each window, and anything that went wrong. */
export function renderConditions(figures: FigureResult[]): string {
  const lines: string[] = [];
  for (const figure of figures) {
    const sides = [conditions('ticketgate', figure.ticketgate), conditions('baseline', figure.baseline)].filter(Boolean);
    if (sides.length > 0) lines.push(`${figure.figure}:`, ...sides);
    for (const note of figure.notes) lines.push(`  note: ${note}`);
  }
  return lines.join('\n');
}
