import { INestApplication, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { shutdownConfig } from './shutdown.config';
import { ShutdownState } from './shutdown-state';

const TERMINATION_SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/**
 * Makes SIGTERM and SIGINT end the process gracefully and with exit code 0:
 * 1. at once, `ShutdownState` flips, so /health/ready answers 503 and new handshakes are refused;
 * 2. Nest runs its shutdown hooks: the drain delay (SIGTERM only), drain listeners (sockets are
 *    told and disconnected), the HTTP listener closes, Redis clients quit;
 * 3. the process exits 0, or 1 if any of that fails or outlasts `SHUTDOWN_TIMEOUT_MS`.
 *
 * Call it before `configureApp`, whose `enableShutdownHooks()` then leaves these two signals
 * alone (Nest registers each signal once); without `useProcessExit` Nest re-raises the signal
 * after its hooks and the process ends with 143 instead of 0.
 */
export function enableGracefulShutdown(app: INestApplication): void {
  const state = app.get(ShutdownState);
  const { drainMs, timeoutMs } = app.get<ConfigType<typeof shutdownConfig>>(shutdownConfig.KEY);
  const logger = new Logger('Shutdown');
  for (const signal of TERMINATION_SIGNALS) {
    // Registered before Nest's own listener, so readiness flips before any hook runs.
    process.once(signal, () => {
      if (!state.begin(signal)) return;
      logger.log(
        { event: 'shutdown.started', signal, drainMs, timeoutMs, drainListeners: state.drainListenerCount },
        'Shutting down: readiness now fails',
      );
      setTimeout(() => {
        logger.error({ event: 'shutdown.timed_out', signal, timeoutMs }, 'Shutdown did not finish in time; exiting');
        process.exit(1);
      }, timeoutMs).unref();
    });
  }
  app.enableShutdownHooks([...TERMINATION_SIGNALS], { useProcessExit: true });
}
