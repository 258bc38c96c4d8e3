import { Global, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { GracefulShutdownService } from './graceful-shutdown.service';
import { shutdownConfig } from './shutdown.config';
import { ShutdownState } from './shutdown-state';

/**
 * Graceful shutdown: `ShutdownState` is global so health, the socket gateway and anything else
 * can consult it or register drain work without importing each other.
 */
@Global()
@Module({
  imports: [ConfigModule.forFeature(shutdownConfig)],
  providers: [ShutdownState, GracefulShutdownService],
  exports: [ShutdownState],
})
export class LifecycleModule {}
