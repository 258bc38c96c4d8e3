import { Logger, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { AuthModule } from '../auth/auth.module';
import type { AllConfig } from '../config';
import { REDIS_CLIENT, RedisClient } from '../redis/redis.constants';
import { MemoryTicketStore } from './memory-ticket.store';
import { RedisClusterTicketStore, RedisTicketStore } from './redis-ticket.store';
import { SocketSessionsRegistry } from './socket-sessions.registry';
import { StatusService } from './status.service';
import { TicketCounters } from './ticket-counters';
import { TICKET_STORE, TicketStore } from './ticket-store.interface';
import { TicketsController } from './tickets.controller';
import { TicketsService } from './tickets.service';

/**
 * Tickets: the store (Redis or memory, by config), the service and the REST API. The per-user
 * generation limit is counted by the store in the same atomic step that issues the ticket.
 */
@Module({
  imports: [AuthModule],
  controllers: [TicketsController],
  providers: [
    {
      provide: TICKET_STORE,
      inject: [ConfigService, REDIS_CLIENT],
      useFactory: (config: ConfigService<AllConfig, true>, redis: RedisClient | null): TicketStore => {
        const { mode, keyPrefix, waitReplicas, commandTimeoutMs } = config.get('redis', { infer: true });
        if (redis && mode === 'cluster') return new RedisClusterTicketStore(redis, keyPrefix);
        // WAIT must answer before the command timeout fires.
        if (redis) return new RedisTicketStore(redis, keyPrefix, { waitReplicas, waitTimeoutMs: Math.max(10, commandTimeoutMs - 100) });
        new Logger(TicketsModule.name).warn('REDIS_URL is not set: tickets live in this process only (single instance, lost on restart)');
        return new MemoryTicketStore();
      },
    },
    TicketsService,
    TicketCounters,
    SocketSessionsRegistry,
    StatusService,
  ],
  exports: [TICKET_STORE, TicketsService, TicketCounters, SocketSessionsRegistry],
})
export class TicketsModule {}
