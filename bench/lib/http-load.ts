import autocannon from 'autocannon';
import { performance } from 'node:perf_hooks';
import { openWindow, WindowProcesses, WindowUsage } from './cpu-window';
import { Latencies } from './latencies';

/** One request of a run: what varies between requests. */
export interface RequestSpec {
  path: string;
  authorization: string;
  body: string;
}

export interface LoadSpec {
  baseUrl: string;
  connections: number;
  /** Run for this many seconds (closed loop at fixed concurrency)… */
  seconds?: number;
  /** …or exactly this many requests. */
  amount?: number;
  next: () => RequestSpec;
  /** Sees every response body (to collect tickets or check answers). */
  onResponse?: (status: number, body: string) => void;
  /** Processes whose CPU the run measures; omitted for warm-ups and fills. */
  measure?: WindowProcesses;
}

export interface LoadResult {
  /** 2xx responses. */
  ok: number;
  non2xx: number;
  errors: number;
  statusCodes: Record<string, number>;
  /** From the first request to the last response. */
  seconds: number;
  latency: ReturnType<Latencies['summary']>;
  usage?: WindowUsage;
}

/**
 * autocannon at fixed concurrency, every request built by `next()` (rotating tokens, a fresh
 * ticket each), latencies kept exactly. The CPU window closes on the last response of an
 * `amount` run, or when a timed run stops.
 */
export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const latencies = new Latencies();
  const statusCodes: Record<string, number> = {};
  let ok = 0;
  let responses = 0;
  let lastResponseAt = 0;
  let usage: WindowUsage | undefined;
  const connections = spec.amount !== undefined ? Math.max(1, Math.min(spec.connections, spec.amount)) : spec.connections;

  const closeWindow = spec.measure ? openWindow(spec.measure) : undefined;
  const startedAt = performance.now();
  const instance = autocannon({
    url: spec.baseUrl,
    connections,
    ...(spec.amount !== undefined ? { amount: spec.amount } : { duration: spec.seconds ?? 1 }),
    timeout: 30,
    // autocannon finishes on its next sample tick: 100 ms instead of the default 1 s of idle tail.
    sampleInt: 100,
    requests: [
      {
        method: 'POST',
        setupRequest: (request) => {
          const { path, authorization, body } = spec.next();
          return { ...request, path, body, headers: { 'content-type': 'application/json', authorization } };
        },
        ...(spec.onResponse ? { onResponse: (status: number, body: string) => spec.onResponse!(status, body) } : {}),
      },
    ],
  });
  instance.on('response', (_client: unknown, status: number, _bytes: number, responseTime: number) => {
    responses += 1;
    lastResponseAt = performance.now();
    statusCodes[status] = (statusCodes[status] ?? 0) + 1;
    if (status >= 200 && status < 300) {
      ok += 1;
      latencies.record(responseTime);
    }
    if (spec.amount !== undefined && responses === spec.amount && closeWindow) usage = closeWindow();
  });
  const result = await instance;
  usage ??= closeWindow?.();
  return {
    ok,
    non2xx: responses - ok,
    errors: result.errors + result.timeouts,
    statusCodes,
    seconds: ((lastResponseAt || performance.now()) - startedAt) / 1000,
    latency: latencies.summary(),
    usage,
  };
}
