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
  /** With `--rounds` above 1: what each round measured, in order. */
  rounds?: { ticketgate: Measurement; baseline: Measurement }[];
}

/** The figures `--rounds` repeats: those judged on a CPU ratio, which machine noise moves most. */
export const REPEATED_FIGURES: readonly Figure[] = ['generate', 'validate', 'handshake'];

/**
 * One result from several rounds of a figure. Each row is the row of the round whose ratio is
 * the median (the lower middle one for an even count), so its two values and its ratio still
 * come from one pair of windows; the notes give every round's ratio.
 */
export function medianOfRounds(rounds: FigureResult[]): FigureResult {
  if (rounds.length === 1) return rounds[0];
  const middle = Math.floor((rounds.length - 1) / 2);
  const chosen = rounds[0].checks.map((_, index) => {
    const ranked = rounds.map((round) => round.checks[index]).sort((a, b) => (a.ratio ?? Infinity) - (b.ratio ?? Infinity));
    return ranked[middle];
  });
  const spread = chosen.flatMap((row, index) =>
    row.target === undefined ? [] : [`${row.metric}: ratio per round ${rounds.map((round) => formatRatio(round.checks[index].ratio)).join(', ')}; median shown`],
  );
  // The measurements shown beside the table are those of the round behind the first targeted row.
  const shown = Math.max(0, chosen.findIndex((row) => row.target !== undefined));
  const source = rounds.find((round) => round.checks[shown] === chosen[shown]) ?? rounds[0];
  return {
    figure: rounds[0].figure,
    ticketgate: source.ticketgate,
    baseline: source.baseline,
    checks: chosen,
    notes: [...spread, ...new Set(rounds.flatMap((round) => round.notes))],
    rounds: rounds.map(({ ticketgate, baseline }) => ({ ticketgate, baseline })),
  };
}

function formatRatio(ratio: number | null): string {
  return ratio === null ? '—' : `${ratio.toFixed(2)}×`;
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
