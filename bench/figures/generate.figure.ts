import { BenchContext, collectTickets, failureNotes, generateRequest, httpChecks, httpMeasurement, windowOf } from '../lib/context';
import { runLoad } from '../lib/http-load';
import { FigureResult, Measurement } from '../lib/results';

/**
 * (1) generate at fixed concurrency: every request a different user (rotating JWTs), body
 * `{"ttlSeconds":300}`. The tickets it produces feed the validate and socket figures.
 */
export async function generateFigure(context: BenchContext): Promise<FigureResult> {
  const { duration, warmup, connections } = context.options;
  const measured: Record<string, Measurement> = {};
  for (const side of context.sides) {
    const collector = collectTickets(side);
    const run = (seconds: number, measure: boolean) =>
      runLoad({
        baseUrl: side.http.baseUrl,
        connections,
        seconds,
        next: () => generateRequest(context),
        onResponse: collector.onResponse,
        ...(measure ? { measure: windowOf(context, side.http) } : {}),
      });
    context.progress(`generate · ${side.name}: warm-up ${warmup} s`);
    await run(warmup, false);
    context.progress(`generate · ${side.name}: ${duration} s at ${connections} connections`);
    const result = await run(duration, true);
    collector.flush();
    measured[side.name] = httpMeasurement(result);
    side.rates.generate = Number(measured[side.name].requestsPerSecond);
  }
  const { ticketgate, baseline } = measured;
  return {
    figure: 'generate',
    ticketgate,
    baseline,
    checks: httpChecks('generate', connections, ticketgate, baseline),
    notes: failureNotes('generate', measured),
  };
}
