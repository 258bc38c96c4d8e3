import { Global, Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { TicketsModule } from '../tickets/tickets.module';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';

/**
 * Prometheus metrics on `GET /metrics`. Global so the socket gateway can inject
 * `MetricsService` (for `recordWsAuth`) without importing this module.
 */
@Global()
@Module({
  imports: [AuthModule, TicketsModule],
  controllers: [MetricsController],
  providers: [MetricsService],
  exports: [MetricsService],
})
export class MetricsModule {}
