import { Histogram, Registry } from 'prom-client';

/** The `route` label of requests no route matched: never the raw URL, which may hold a ticket. */
export const UNMATCHED_ROUTE = 'unmatched';

/** Latency buckets in seconds, finer below 10 ms where this service's requests live. */
const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

type Observer = { observe(value: number): void };

/**
 * `ticketgate_http_request_duration_seconds{method,route,status_code}`. Runs on every request,
 * so each label combination's child is built once and then found through nested maps keyed by
 * the values Fastify already holds (interned route template, method, numeric status): no label
 * object or key string is built per request. Routes are templates, so the set stays small.
 */
export class HttpRequestMetrics {
  private readonly histogram: Histogram<'method' | 'route' | 'status_code'>;
  private readonly children = new Map<string, Map<string, Map<number, Observer>>>();

  constructor(registry: Registry) {
    this.histogram = new Histogram({
      name: 'ticketgate_http_request_duration_seconds',
      help: 'HTTP request duration by method, route template and status code',
      labelNames: ['method', 'route', 'status_code'] as const,
      buckets: BUCKETS,
      registers: [registry],
    });
  }

  /** Records one request; `route` is the matched template, undefined when nothing matched. */
  observe(method: string, route: string | undefined, statusCode: number, seconds: number): void {
    this.childFor(method, route ?? UNMATCHED_ROUTE, statusCode).observe(seconds);
  }

  private childFor(method: string, route: string, statusCode: number): Observer {
    let byMethod = this.children.get(route);
    if (!byMethod) this.children.set(route, (byMethod = new Map()));
    let byStatus = byMethod.get(method);
    if (!byStatus) byMethod.set(method, (byStatus = new Map()));
    let child = byStatus.get(statusCode);
    if (!child) {
      child = this.histogram.labels({ method, route, status_code: String(statusCode) });
      byStatus.set(statusCode, child);
    }
    return child;
  }
}
