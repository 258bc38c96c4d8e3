import { Inject, Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import { VerifiedTokenCache } from '../auth/verified-token.cache';
import { withTimeout } from '../common/with-timeout';
import { SocketSessionsRegistry } from '../tickets/socket-sessions.registry';
import { TicketCounters } from '../tickets/ticket-counters';
import { TICKET_STORE, TicketStore } from '../tickets/ticket-store.interface';
import { HttpRequestMetrics } from './http-request-metrics';

/** Handshake authentication methods (CONTRACT §4), the `method` label of `ticketgate_ws_auth_total`. */
export const WS_AUTH_METHODS = ['ticket', 'jwt', 'header', 'subprotocol', 'query'] as const;
export type WsAuthMethodLabel = (typeof WS_AUTH_METHODS)[number];
/**
 * The `method` label of a handshake refused without any credential being examined: none was
 * sent (`AUTH_REQUIRED`), or the `Origin`, the address's failure budget or a draining instance
 * refused it first (`FORBIDDEN_ORIGIN`, `RATE_LIMITED`, `AUTH_UNAVAILABLE`).
 */
export const NO_CREDENTIAL_METHOD = 'none';
/** The `result` label of `ticketgate_ws_auth_total`: the handshake was accepted or refused. */
export type WsAuthResult = 'ok' | 'refused';

/** A scrape must not hang on a dead store; the gauge reads 0 past this. */
const STORE_PING_TIMEOUT_MS = 500;

/**
 * The application's Prometheus registry and the metrics that are not counted elsewhere.
 * The registry is per application instance (not prom-client's global one), so two apps in one
 * process (tests) never share or double-register series, and the ticket counters reported by
 * /metrics are the very objects TicketCounters increments for the status endpoint.
 * Labels only ever take values from fixed sets: no user id, ticket or token reaches a label.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  readonly http: HttpRequestMetrics;
  private readonly wsAuth: Counter<'method' | 'result'>;

  constructor(
    counters: TicketCounters,
    sockets: SocketSessionsRegistry,
    @Inject(TICKET_STORE) store: TicketStore,
    verifiedTokens: VerifiedTokenCache,
  ) {
    collectDefaultMetrics({ register: this.registry });
    for (const metric of [...counters.prometheusMetrics(), ...verifiedTokens.prometheusMetrics()]) this.registry.registerMetric(metric);
    this.http = new HttpRequestMetrics(this.registry);

    this.wsAuth = new Counter({
      name: 'ticketgate_ws_auth_total',
      help: 'Socket.IO handshake authentications by method and result (ok or refused)',
      labelNames: ['method', 'result'] as const,
      registers: [this.registry],
    });
    for (const method of WS_AUTH_METHODS) {
      this.wsAuth.inc({ method, result: 'ok' }, 0);
      this.wsAuth.inc({ method, result: 'refused' }, 0);
    }
    this.wsAuth.inc({ method: NO_CREDENTIAL_METHOD, result: 'refused' }, 0);

    // Gauges read at scrape time: nothing to keep in step, nothing on the hot path.
    new Gauge({
      name: 'ticketgate_ws_connections',
      help: 'Sockets connected to this instance',
      registers: [this.registry],
      collect() {
        this.set(sockets.connectedCount());
      },
    });
    new Gauge({
      name: 'ticketgate_store_up',
      help: `1 when the ticket store answered a ping within ${STORE_PING_TIMEOUT_MS} ms at scrape time, else 0`,
      registers: [this.registry],
      async collect() {
        const up = await withTimeout(store.ping(), STORE_PING_TIMEOUT_MS).then(
          () => 1,
          () => 0,
        );
        this.set(up);
      },
    });
  }

  /**
   * Counts one handshake authentication. The socket gateway calls it once per handshake:
   * with the method whose credential verified and `ok`, or, when refused, with the method of
   * the first credential presented (the one whose code the client gets) and `refused`, or
   * `none` and `refused` when no credential was examined.
   */
  recordWsAuth(method: WsAuthMethodLabel | typeof NO_CREDENTIAL_METHOD, result: WsAuthResult): void {
    this.wsAuth.inc({ method, result });
  }

  /** The Prometheus text exposition of every metric. */
  scrape(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
