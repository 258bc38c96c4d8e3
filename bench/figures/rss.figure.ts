import { BenchContext, takeTickets } from '../lib/context';
import { sleep } from '../lib/processes';
import { rssKiB } from '../lib/proc-stats';
import { check, FigureResult, Measurement, round } from '../lib/results';

/** Handshakes a fresh server does before its "before" reading, so lazily loaded code is in. */
const WARM_HANDSHAKES = 200;
/** Sockets being opened at once, over all client processes. */
const OPENING_CONCURRENCY = 100;

/**
 * (4) RSS per authenticated idle socket: a freshly started server (so the heap left over from
 * the load figures cannot absorb the sockets), warmed with a few handshakes; VmRSS before and
 * after `--sockets` idle sockets, divided by the sockets that opened.
 */
export async function rssFigure(context: BenchContext): Promise<FigureResult> {
  const { sockets } = context.options;
  const settleMs = context.options.mode === 'full' ? 3_000 : 1_000;
  const clients = await context.clients();
  const measured: Record<string, Measurement> = {};
  for (const side of context.sides) {
    context.progress(`rss · ${side.name}: starting a fresh server`);
    const server = await side.freshSocketServer(`${side.name}-rss`);
    try {
      const tickets = await takeTickets(context, side, WARM_HANDSHAKES + sockets);
      const warmTickets = tickets.splice(0, WARM_HANDSHAKES);
      await clients.churn(server.baseUrl, warmTickets, 10, 60);
      await sleep(settleMs);
      const before = await steadyRss(server.pid);
      context.progress(`rss · ${side.name}: opening ${sockets} sockets`);
      const opened = await clients.open(server.baseUrl, tickets, OPENING_CONCURRENCY);
      await sleep(settleMs);
      const after = await steadyRss(server.pid);
      measured[side.name] = {
        rssPerSocketKiB: round((after - before) / Math.max(1, opened.ok), 2),
        rssBeforeKiB: before,
        rssAfterKiB: after,
        sockets: opened.ok,
        failed: opened.failed,
        failures: opened.failures,
        openSeconds: round(opened.seconds, 2),
      };
      await clients.closeAll();
    } finally {
      await context.stopServer(server);
    }
  }
  const { ticketgate, baseline } = measured;
  const notes: string[] = [];
  for (const [name, measurement] of Object.entries(measured)) {
    if (Number(measurement.failed) > 0) notes.push(`rss · ${name}: ${measurement.failed} sockets failed to open ${JSON.stringify(measurement.failures)}`);
  }
  return {
    figure: 'rss',
    ticketgate,
    baseline,
    checks: [
      check('rss', `RSS per idle socket @ ${sockets}`, 'KiB', Number(ticketgate.rssPerSocketKiB), Number(baseline.rssPerSocketKiB), { kind: 'ratio-max', value: 1.2 }),
    ],
    notes,
  };
}

/** The median of five VmRSS readings 100 ms apart. */
async function steadyRss(pid: number): Promise<number> {
  const readings: number[] = [];
  for (let index = 0; index < 5; index += 1) {
    if (index > 0) await sleep(100);
    readings.push(rssKiB(pid));
  }
  return readings.sort((a, b) => a - b)[2];
}
