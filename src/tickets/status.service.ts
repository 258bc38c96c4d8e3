import { Inject, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AllConfig } from '../config';
import { withTimeout } from '../common/with-timeout';
import type { StatusResponseDto } from './dto/status-response.dto';
import { SocketSessionsRegistry } from './socket-sessions.registry';
import { TicketCounters } from './ticket-counters';
import { TICKET_STORE, TicketStore } from './ticket-store.interface';

const STORE_PING_TIMEOUT_MS = 500;

function readVersion(): string {
  try {
    return JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** The public status document: no secrets, no user data, this instance's view. */
@Injectable()
export class StatusService {
  private readonly version = readVersion();
  private readonly startedAt = Date.now();

  constructor(
    @Inject(TICKET_STORE) private readonly store: TicketStore,
    private readonly config: ConfigService<AllConfig, true>,
    private readonly counters: TicketCounters,
    private readonly sockets: SocketSessionsRegistry,
  ) {}

  async status(): Promise<StatusResponseDto> {
    const latencyMs = await withTimeout(this.store.ping(), STORE_PING_TIMEOUT_MS).catch(() => null);
    const tickets = this.config.get('tickets', { infer: true });
    return {
      status: latencyMs === null ? 'degraded' : 'ok',
      version: this.version,
      store: {
        kind: this.store.kind,
        connected: latencyMs !== null,
        latencyMs: latencyMs === null ? null : Math.round(latencyMs * 100) / 100,
      },
      tickets: {
        defaultTtlSeconds: tickets.defaultTtlSeconds,
        minTtlSeconds: tickets.minTtlSeconds,
        maxTtlSeconds: tickets.maxTtlSeconds,
      },
      counters: {
        issued: this.counters.issued,
        consumed: this.counters.consumed,
        rejected: this.counters.rejected,
        revoked: this.counters.revoked,
      },
      sockets: { connected: this.sockets.connectedCount() },
      instance: {
        id: this.config.get('app.instanceId', { infer: true }),
        uptimeSeconds: Math.floor((Date.now() - this.startedAt) / 1000),
      },
    };
  }
}
