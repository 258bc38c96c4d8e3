import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { ShutdownHealthIndicator } from './shutdown.health';
import { StoreHealthIndicator } from './store.health';

@Module({
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController],
  providers: [StoreHealthIndicator, ShutdownHealthIndicator],
})
export class HealthModule {}
