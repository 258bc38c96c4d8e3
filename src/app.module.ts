import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { AuthModule } from './auth/auth.module';
import { configModuleOptions } from './config';
import { DemoModule } from './demo/demo.module';
import { HealthModule } from './health/health.module';
import { LifecycleModule } from './lifecycle/lifecycle.module';
import { LoggingModule } from './logging/logging.module';
import { MetricsModule } from './metrics/metrics.module';
import { RedisModule } from './redis/redis.module';
import { TicketsModule } from './tickets/tickets.module';
import { WsAuthModule } from './ws-auth/ws-auth.module';

@Module({
  imports: [
    ConfigModule.forRoot(configModuleOptions),
    LoggingModule,
    LifecycleModule,
    RedisModule,
    AuthModule,
    TicketsModule,
    HealthModule,
    WsAuthModule,
    MetricsModule,
    DemoModule,
  ],
})
export class AppModule {}
