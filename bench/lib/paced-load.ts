import { performance } from 'node:perf_hooks';
import { openWindow, WindowProcesses, WindowUsage } from './cpu-window';
import { Latencies } from './latencies';
import { RawHttpPool } from './raw-http';
import type { LoadResult, RequestSpec } from './http-load';

export interface PacedSpec {
  baseUrl: string;
  /** Requests per second, evenly spaced. */
  rate: number;
  seconds: number;
  /** Most connections kept open (requests wait for one beyond that, and the wait counts). */
  connections: number;
  next: () => RequestSpec;
  onResponse?: (status: number, body: string) => void;
  measure?: WindowProcesses;
}

/**
 * Open-loop load: request i is due at start + i/rate whatever happened to the earlier ones, and
 * its latency runs from the moment it is handed to the connection pool (so a wait for a free
 * connection counts) to its last response byte — a stall shows up in the percentiles instead
 * of slowing the sender down (coordinated omission). Timer lateness of the sender itself (a
 * millisecond or so) is not counted.
 *
 * autocannon's `overallRate` is not used: it gives each connection a per-second quota that it
 * sends back to back at the top of every second (lib/httpClient.js, `reqsMadeThisSecond`), so
 * its p99 measures a burst queue of `connections` requests, not a steady 1,000/s stream.
 */
export async function runPaced(spec: PacedSpec): Promise<LoadResult> {
  const { hostname, port } = new URL(spec.baseUrl);
  const pool = new RawHttpPool(hostname, Number(port), spec.connections);
  const latencies = new Latencies();
  const statusCodes: Record<string, number> = {};
  const total = Math.max(1, Math.round(spec.rate * spec.seconds));
  const intervalMs = 1000 / spec.rate;
  let sent = 0;
  let settled = 0;
  let ok = 0;
  let errors = 0;
  let lastResponseAt = 0;
  let usage: WindowUsage | undefined;

  const closeWindow = spec.measure ? openWindow(spec.measure) : undefined;
  const startedAt = performance.now();
  await new Promise<void>((resolve) => {
    const settle = () => {
      settled += 1;
      lastResponseAt = performance.now();
      if (settled === total) {
        usage = closeWindow?.();
        clearInterval(ticker);
        resolve();
      }
    };
    const fire = () => {
      const sentAt = performance.now();
      pool.send(spec.next()).then(
        ({ status, body }) => {
          statusCodes[status] = (statusCodes[status] ?? 0) + 1;
          if (status >= 200 && status < 300) {
            ok += 1;
            latencies.record(performance.now() - sentAt);
          }
          spec.onResponse?.(status, body);
          settle();
        },
        () => {
          errors += 1;
          settle();
        },
      );
    };
    // Timers fire late by up to a millisecond or so; each tick sends every request that is due.
    const ticker = setInterval(() => {
      const due = Math.min(total, Math.floor((performance.now() - startedAt) / intervalMs) + 1);
      while (sent < due) {
        sent += 1;
        fire();
      }
    }, Math.max(1, Math.floor(intervalMs)));
  });
  pool.close();
  return {
    ok,
    non2xx: total - ok - errors,
    errors,
    statusCodes,
    seconds: (lastResponseAt - startedAt) / 1000,
    latency: latencies.summary(),
    usage,
  };
}
