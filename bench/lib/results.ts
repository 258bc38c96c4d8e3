import type { Figure } from './options';

/** What one side (ticketgate or baseline) measured for a figure. */
export type Measurement = Record<string, number | string | boolean | Record<string, number> | undefined>;

/**
 * A target of issue 7: on the ratio ticketgate/baseline (`ratio-min`, `ratio-max`) or on
 * ticketgate's own value (`max`, `equal`).
 */
export interface Target {
  kind: 'ratio-min' | 'ratio-max' | 'max' | 'equal';
  value: number;
}

/** One row of the table. */
export interface Check {
  figure: Figure;
  metric: string;
  unit: string;
  ticketgate: number;
  baseline: number | null;
  /** ticketgate / baseline. */
  ratio: number | null;
  target?: Target;
  pass?: boolean;
  /** Other work on the machine took more than NOISY_OTHER_CORES during one of the windows. */
  noisy?: boolean;
}

export interface FigureResult {
  figure: Figure;
  ticketgate: Measurement;
  baseline: Measurement;
  checks: Check[];
  notes: string[];
}

/** Above this many cores of CPU used by processes the harness did not start, a window is noisy. */
export const NOISY_OTHER_CORES = 0.25;

export function round(value: number, digits = 1): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** Builds a table row, computing the ratio and whether the target is met. */
export function check(
  figure: Figure,
  metric: string,
  unit: string,
  ticketgate: number,
  baseline: number | null,
  target?: Target,
  noisy = false,
): Check {
  const ratio = baseline !== null && baseline !== 0 && Number.isFinite(baseline) ? round(ticketgate / baseline, 3) : null;
  let pass: boolean | undefined;
  if (target) {
    switch (target.kind) {
      case 'ratio-min':
        pass = ratio !== null && ratio >= target.value;
        break;
      case 'ratio-max':
        pass = ratio !== null && ratio <= target.value;
        break;
      case 'max':
        pass = ticketgate <= target.value;
        break;
      case 'equal':
        pass = ticketgate === target.value;
        break;
    }
  }
  return { figure, metric, unit, ticketgate, baseline, ratio, ...(target ? { target, pass } : {}), ...(noisy ? { noisy } : {}) };
}
