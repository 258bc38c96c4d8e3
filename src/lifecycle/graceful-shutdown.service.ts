import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { setTimeout as sleep } from 'node:timers/promises';
import { shutdownConfig } from './shutdown.config';
import { ShutdownState } from './shutdown-state';

/**
 * The part of the shutdown sequence that runs inside Nest's hooks. Nest calls
 * `beforeApplicationShutdown` before it closes the HTTP listener (and the socket server), and
 * `onApplicationShutdown` after, which is when Redis clients are closed. So on SIGTERM:
 * readiness is already 503 (see `enableGracefulShutdown`), we keep serving for the drain delay,
 * drain listeners tell sockets why and disconnect them, then Nest closes the rest.
 */
@Injectable()
export class GracefulShutdownService implements BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('Shutdown');

  constructor(
    private readonly state: ShutdownState,
    @Inject(shutdownConfig.KEY) private readonly config: ConfigType<typeof shutdownConfig>,
  ) {}

  async beforeApplicationShutdown(signal?: string): Promise<void> {
    this.state.begin(signal ?? 'close');
    // SIGTERM is how orchestrators and load balancers stop an instance, and they may still route
    // here for a moment. SIGINT (Ctrl-C) and `app.close()` (tests, scripts) have nobody to wait for.
    if (signal === 'SIGTERM' && this.config.drainMs > 0) await sleep(this.config.drainMs);
    await this.state.runDrainListeners();
    if (signal) this.logger.log({ event: 'shutdown.drained', signal }, 'Drained; closing the listener and store connections');
  }

  onApplicationShutdown(signal?: string): void {
    if (signal) this.logger.log({ event: 'shutdown.complete', signal }, 'Shutdown complete');
  }
}
