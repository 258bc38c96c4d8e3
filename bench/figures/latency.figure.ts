import { BenchContext, collectTickets, failureNotes, generateRequest, httpMeasurement, isNoisy, windowOf } from '../lib/context';
import { runPaced } from '../lib/paced-load';
import { check, FigureResult, Measurement, round } from '../lib/results';

/** Target of issue 7: p99 of generate at 1,000 requests/s. */
const P99_TARGET_MS = 5;

/** (5) generate latency at a steady, open-loop `--rate` (default 1,000/s), evenly spaced. */
export async function latencyFigure(context: BenchContext): Promise<FigureResult> {
  const { duration, warmup, rate, connections } = context.options;
  const measured: Record<string, Measurement> = {};
  for (const side of context.sides) {
    const collector = collectTickets(side);
    const run = (seconds: number, measure: boolean) =>
      runPaced({
        baseUrl: side.http.baseUrl,
        rate,
        seconds,
        connections,
        next: () => generateRequest(context),
        onResponse: collector.onResponse,
        ...(measure ? { measure: windowOf(context, side.http) } : {}),
      });
    context.progress(`latency · ${side.name}: warm-up ${warmup} s at ${rate}/s`);
    await run(warmup, false);
    context.progress(`latency · ${side.name}: ${duration} s at ${rate}/s`);
    const result = await run(duration, true);
    collector.flush();
    const { requestsPerSecond, ...rest } = httpMeasurement(result);
    measured[side.name] = { targetRate: rate, achievedRate: requestsPerSecond, ...rest, p99Ms: round(result.latency.p99Ms, 3) };
  }
  const { ticketgate, baseline } = measured;
  const noisy = isNoisy(ticketgate, baseline);
  const value = (measurement: Measurement, key: string) => Number(measurement[key]);
  return {
    figure: 'latency',
    ticketgate,
    baseline,
    checks: [
      check('latency', `generate p50 @ ${rate}/s`, 'ms', value(ticketgate, 'p50Ms'), value(baseline, 'p50Ms'), undefined, noisy),
      check('latency', `generate p99 @ ${rate}/s`, 'ms', value(ticketgate, 'p99Ms'), value(baseline, 'p99Ms'), rate === 1_000 ? { kind: 'max', value: P99_TARGET_MS } : undefined, noisy),
      check('latency', `server CPU per request @ ${rate}/s`, 'µs', value(ticketgate, 'serverCpuUsPerRequest'), value(baseline, 'serverCpuUsPerRequest'), undefined, noisy),
    ],
    notes: failureNotes('latency', measured),
  };
}
