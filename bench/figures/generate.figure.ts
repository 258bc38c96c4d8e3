import { BenchContext, collectTickets, failureNotes, generateRequest, httpMeasurement, isNoisy, windowOf } from '../lib/context';
import { runLoad } from '../lib/http-load';
import { check, FigureResult, Measurement } from '../lib/results';

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
  const noisy = isNoisy(ticketgate, baseline);
  const value = (measurement: Measurement, key: string) => Number(measurement[key]);
  return {
    figure: 'generate',
    ticketgate,
    baseline,
    checks: [
      check('generate', 'throughput', 'req/s', value(ticketgate, 'requestsPerSecond'), value(baseline, 'requestsPerSecond'), { kind: 'ratio-min', value: 0.7 }, noisy),
      check('generate', 'server CPU per request', 'µs', value(ticketgate, 'serverCpuUsPerRequest'), value(baseline, 'serverCpuUsPerRequest'), { kind: 'ratio-max', value: 1.4 }, noisy),
      check('generate', `latency p50 @ ${connections} conn`, 'ms', value(ticketgate, 'p50Ms'), value(baseline, 'p50Ms'), undefined, noisy),
      check('generate', `latency p99 @ ${connections} conn`, 'ms', value(ticketgate, 'p99Ms'), value(baseline, 'p99Ms'), undefined, noisy),
    ],
    notes: failureNotes('generate', measured),
  };
}
