import { BenchContext, isNoisy, takeTickets, windowOf } from '../lib/context';
import { check, FigureResult, Measurement, round } from '../lib/results';
import type { SocketRun } from '../lib/socket-clients';

/** Pool size for a warm-up when nothing is known yet about a side's handshake rate. */
const FIRST_GUESS_PER_SECOND = 1_500;

/**
 * (3) ticket handshakes: `--connections` socket.io-client connections in flight (WebSocket
 * transport), each with a fresh ticket, connect then disconnect, for the window or until the
 * tickets sized from the warm-up's rate run out.
 */
export async function handshakeFigure(context: BenchContext): Promise<FigureResult> {
  const { duration, warmup, connections } = context.options;
  const clients = await context.clients();
  const measured: Record<string, Measurement> = {};
  for (const side of context.sides) {
    const churn = async (seconds: number, rate: number, measure: boolean): Promise<SocketRun> => {
      // Warm-up rates understate the steady state: twice the expected need, the rest put back.
      const oldestAt = side.pool.oldestAt;
      const tickets = await takeTickets(context, side, Math.ceil(rate * seconds * 2) + connections);
      const run = await clients.churn(side.sockets.baseUrl, tickets, connections, seconds, measure ? windowOf(context, side.sockets) : undefined);
      side.pool.putBack(run.unused, oldestAt);
      return run;
    };
    context.progress(`handshake · ${side.name}: warm-up ~${warmup} s`);
    const warm = await churn(warmup, side.rates.handshake ?? FIRST_GUESS_PER_SECOND, false);
    context.progress(`handshake · ${side.name}: ~${duration} s, ${connections} in flight`);
    const run = await churn(duration, warm.ok / warm.seconds, true);
    measured[side.name] = socketMeasurement(run);
    side.rates.handshake = Number(measured[side.name].handshakesPerSecond);
  }
  const { ticketgate, baseline } = measured;
  const noisy = isNoisy(ticketgate, baseline);
  const value = (measurement: Measurement, key: string) => Number(measurement[key]);
  const notes: string[] = [];
  for (const [name, measurement] of Object.entries(measured)) {
    if (Number(measurement.failed) > 0) notes.push(`handshake · ${name}: ${measurement.failed} handshakes failed ${JSON.stringify(measurement.failures)}`);
  }
  return {
    figure: 'handshake',
    ticketgate,
    baseline,
    checks: [
      check('handshake', 'handshakes per second', '/s', value(ticketgate, 'handshakesPerSecond'), value(baseline, 'handshakesPerSecond'), undefined, noisy),
      check('handshake', 'server CPU per handshake', 'µs', value(ticketgate, 'serverCpuUsPerHandshake'), value(baseline, 'serverCpuUsPerHandshake'), { kind: 'ratio-max', value: 1.3 }, noisy),
    ],
    notes,
  };
}

function socketMeasurement(run: SocketRun): Measurement {
  const usage = run.usage!;
  const perHandshake = (cpuSeconds: number) => round((cpuSeconds * 1e6) / Math.max(1, run.ok));
  return {
    handshakesPerSecond: round(run.ok / usage.seconds, 0),
    serverCpuUsPerHandshake: perHandshake(usage.serverCpuSeconds),
    handshakes: run.ok,
    failed: run.failed,
    failures: run.failures,
    seconds: round(usage.seconds, 2),
    serverCpuCores: round(usage.serverCpuSeconds / usage.seconds, 2),
    clientCpuUsPerHandshake: perHandshake(usage.clientCpuSeconds),
    redisCpuUsPerHandshake: perHandshake(usage.redisCpuSeconds),
    otherCpuCores: round(usage.otherCores, 2),
    loadAverage1m: round(usage.loadAverage1m, 2),
  };
}
