import { BenchContext, failureNotes, httpChecks, httpMeasurement, Side, takeTickets, validateRequest, windowOf } from '../lib/context';
import { runLoad } from '../lib/http-load';
import { FigureResult, Measurement } from '../lib/results';

/** Pool size for a warm-up when nothing is known yet about a side's validate rate. */
const FIRST_GUESS_PER_SECOND = 2_000;

/**
 * (2) validate at fixed concurrency: a backend service token with `tickets:validate`, each
 * request consuming a different fresh ticket generated through the side's own REST route.
 * A consumed ticket cannot be validated twice, so each run is a fixed number of requests
 * (the previous run's rate × the window), not a fixed time.
 */
export async function validateFigure(context: BenchContext): Promise<FigureResult> {
  const { duration, warmup, connections } = context.options;
  const measured: Record<string, Measurement> = {};
  for (const side of context.sides) {
    const guess = side.rates.validate ?? side.rates.generate ?? FIRST_GUESS_PER_SECOND;
    context.progress(`validate · ${side.name}: warm-up ~${warmup} s`);
    const warm = await validateRun(context, side, Math.ceil(guess * warmup), false);
    const rate = Math.max(warm.rate, side.rates.generate ?? 0);
    context.progress(`validate · ${side.name}: ~${duration} s at ${connections} connections`);
    const main = await validateRun(context, side, Math.ceil(rate * duration), true);
    measured[side.name] = { ...httpMeasurement(main.result), invalidAnswers: main.invalid };
    side.rates.validate = Number(measured[side.name].requestsPerSecond);
  }
  const { ticketgate, baseline } = measured;
  const notes = failureNotes('validate', measured);
  for (const [name, measurement] of Object.entries(measured)) {
    if (Number(measurement.invalidAnswers) > 0) notes.push(`validate · ${name}: ${measurement.invalidAnswers} answers were valid:false (tickets expired or reused?)`);
  }
  return {
    figure: 'validate',
    ticketgate,
    baseline,
    checks: httpChecks('validate', connections, ticketgate, baseline),
    notes,
  };
}

async function validateRun(context: BenchContext, side: Side, count: number, measure: boolean) {
  const tickets = await takeTickets(context, side, Math.max(count, context.options.connections));
  let next = 0;
  let invalid = 0;
  const result = await runLoad({
    baseUrl: side.http.baseUrl,
    connections: context.options.connections,
    amount: tickets.length,
    next: () => validateRequest(context, tickets[next++ % tickets.length]),
    onResponse: (status, body) => {
      if (status === 200 && !body.startsWith('{"valid":true')) invalid += 1;
    },
    ...(measure ? { measure: windowOf(context, side.http) } : {}),
  });
  return { result, invalid, rate: result.ok / result.seconds };
}
