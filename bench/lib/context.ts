import type { BenchRedis } from './bench-redis';
import type { WindowProcesses } from './cpu-window';
import { LoadResult, RequestSpec, runLoad } from './http-load';
import type { BenchOptions } from './options';
import type { ProcessRegistry } from './processes';
import { Check, check, Measurement, NOISY_OTHER_CORES, round } from './results';
import type { ServerHandle } from './servers';
import type { SocketClients } from './socket-clients';
import { ticketIn, TicketPool, TICKET_TTL_SECONDS } from './ticket-pool';
import type { BenchTokens, TokenRotation } from './tokens';

export const GENERATE_PATH = '/api/v1/websocket/ticket';
export const VALIDATE_PATH = '/api/v1/websocket/ticket/validate';
export const GENERATE_BODY = JSON.stringify({ ttlSeconds: TICKET_TTL_SECONDS });

/** One side of every comparison: Ticketgate itself, or the bare baselines. */
export interface Side {
  name: 'ticketgate' | 'baseline';
  /** Serves generate and validate. */
  http: ServerHandle;
  /** Serves Socket.IO handshakes. */
  sockets: ServerHandle;
  /** Connection names of this side's Redis clients start with this. */
  redisClientPrefix: string;
  pool: TicketPool;
  /** A new socket server of this side, for the RSS figure (a fresh heap). */
  freshSocketServer(label: string): Promise<ServerHandle>;
  /** Last observed rates (per second), to size ticket pools. */
  rates: { generate?: number; validate?: number; handshake?: number };
}

export interface BenchContext {
  options: BenchOptions;
  registry: ProcessRegistry;
  redis: BenchRedis;
  tokens: BenchTokens;
  rotation: TokenRotation;
  sides: Side[];
  /** The Socket.IO client processes, started on first use. */
  clients(): Promise<SocketClients>;
  stopServer(server: ServerHandle): Promise<void>;
  progress(message: string): void;
}

export const generateRequest = (context: Pick<BenchContext, 'rotation'>): RequestSpec => ({
  path: GENERATE_PATH,
  authorization: `Bearer ${context.rotation.take()}`,
  body: GENERATE_BODY,
});

export const validateRequest = (context: Pick<BenchContext, 'tokens'>, ticket: string): RequestSpec => ({
  path: VALIDATE_PATH,
  authorization: `Bearer ${context.tokens.validator}`,
  body: JSON.stringify({ ticket }),
});

/** A response handler that puts every generated ticket into `side`'s pool. */
export function collectTickets(side: Side): { onResponse: (status: number, body: string) => void; flush: () => void } {
  let collected: string[] = [];
  return {
    onResponse: (status, body) => {
      const ticket = status === 201 ? ticketIn(body) : undefined;
      if (ticket) collected.push(ticket);
    },
    flush: () => {
      side.pool.add(collected);
      collected = [];
    },
  };
}

/** Processes a measured window of `server` looks at, with this process as the load generator. */
export function windowOf(context: BenchContext, server: ServerHandle, clients: number[] = [process.pid]): WindowProcesses {
  return { server: server.pid, redis: context.redis.pid, clients, ours: () => context.registry.pids };
}

/** `count` unused tickets of `side`, generating (through its own REST route) what the pool lacks. */
export async function takeTickets(context: BenchContext, side: Side, count: number): Promise<string[]> {
  const missing = count - side.pool.size;
  if (missing > 0) {
    context.progress(`${side.name}: generating ${missing} tickets for the next run`);
    const collector = collectTickets(side);
    const result = await runLoad({
      baseUrl: side.http.baseUrl,
      connections: context.options.connections,
      amount: Math.ceil(missing * 1.02) + 8,
      next: () => generateRequest(context),
      onResponse: collector.onResponse,
    });
    collector.flush();
    if (result.ok < missing) throw new Error(`${side.name}: only ${result.ok} of ${missing} tickets could be generated (status codes ${JSON.stringify(result.statusCodes)})`);
  }
  return side.pool.take(count);
}

/** The figures every HTTP load run reports. */
export function httpMeasurement(result: LoadResult): Record<string, number | Record<string, number>> {
  const usage = result.usage!;
  const perRequest = (cpuSeconds: number) => round((cpuSeconds * 1e6) / Math.max(1, result.ok));
  return {
    requestsPerSecond: round(result.ok / result.seconds, 0),
    serverCpuUsPerRequest: perRequest(usage.serverCpuSeconds),
    p50Ms: result.latency.p50Ms,
    p99Ms: result.latency.p99Ms,
    p999Ms: result.latency.p999Ms,
    maxMs: result.latency.maxMs,
    requests: result.ok,
    non2xx: result.non2xx,
    errors: result.errors,
    statusCodes: result.statusCodes,
    seconds: round(result.seconds, 2),
    serverCpuCores: round(usage.serverCpuSeconds / usage.seconds, 2),
    loadGeneratorCpuUsPerRequest: perRequest(usage.clientCpuSeconds),
    redisCpuUsPerRequest: perRequest(usage.redisCpuSeconds),
    otherCpuCores: round(usage.otherCores, 2),
    loadAverage1m: round(usage.loadAverage1m, 2),
  };
}

/** The checks of an HTTP figure (generate, validate): throughput and CPU against their targets, latencies as figures. */
export function httpChecks(figure: 'generate' | 'validate', connections: number, ticketgate: Measurement, baseline: Measurement): Check[] {
  const noisy = isNoisy(ticketgate, baseline);
  const both = (key: string): [number, number] => [Number(ticketgate[key]), Number(baseline[key])];
  return [
    check(figure, 'throughput', 'req/s', ...both('requestsPerSecond'), { kind: 'ratio-min', value: 0.7 }, noisy),
    check(figure, 'server CPU per request', 'µs', ...both('serverCpuUsPerRequest'), { kind: 'ratio-max', value: 1.4 }, noisy),
    check(figure, `latency p50 @ ${connections} conn`, 'ms', ...both('p50Ms'), undefined, noisy),
    check(figure, `latency p99 @ ${connections} conn`, 'ms', ...both('p99Ms'), undefined, noisy),
  ];
}

export const isNoisy = (...measurements: Record<string, unknown>[]) =>
  measurements.some((measurement) => Number(measurement.otherCpuCores ?? 0) > NOISY_OTHER_CORES);

/** A note for each side whose run saw failures, so a figure built on errors is not taken at face value. */
export function failureNotes(figure: string, measurements: Record<string, Record<string, unknown>>): string[] {
  const notes: string[] = [];
  for (const [side, measurement] of Object.entries(measurements)) {
    const failed = Number(measurement.non2xx ?? 0) + Number(measurement.errors ?? 0) + Number(measurement.failed ?? 0);
    if (failed > 0) notes.push(`${figure} · ${side}: ${failed} failed requests/handshakes (${JSON.stringify(measurement.statusCodes ?? measurement.failures ?? {})})`);
  }
  return notes;
}
