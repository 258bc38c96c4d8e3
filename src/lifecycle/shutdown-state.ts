import { Injectable, Logger } from '@nestjs/common';

/** Work to do once the drain delay has passed, before the HTTP listener closes. */
export type DrainListener = () => void | Promise<void>;

/**
 * The Socket.IO event a connected client receives when its instance shuts down, right before it
 * is disconnected; clients reconnect (with a new ticket) and land on another instance.
 */
export const SERVER_SHUTDOWN_EVENT = 'server_shutdown';

/**
 * Whether this instance is going away, shared by everything that must behave differently then:
 * readiness answers 503, the socket gateway refuses new handshakes and, through `onDrain`,
 * tells its sockets why and disconnects them. Set by the first termination signal (or by
 * `app.close()`), never cleared: an instance does not come back from shutting down.
 */
@Injectable()
export class ShutdownState {
  private readonly logger = new Logger('Shutdown');
  private readonly drainListeners = new Set<DrainListener>();
  private beganAt?: number;
  private causeValue?: string;

  /** True from the termination signal on. Cheap; meant to be read on every handshake. */
  get isShuttingDown(): boolean {
    return this.beganAt !== undefined;
  }

  /** The signal that began the shutdown (`SIGTERM`, `SIGINT`), or `close` for `app.close()`. */
  get cause(): string | undefined {
    return this.causeValue;
  }

  /** How many drain listeners are registered; logged when shutdown starts. */
  get drainListenerCount(): number {
    return this.drainListeners.size;
  }

  /** Marks the instance as shutting down; returns false when it already was. */
  begin(cause: string): boolean {
    if (this.beganAt !== undefined) return false;
    this.beganAt = Date.now();
    this.causeValue = cause;
    return true;
  }

  /**
   * Registers work for the end of the drain (e.g. telling sockets why and disconnecting them).
   * Listeners run concurrently; one that fails is logged and does not hold up the others.
   * Returns a function that unregisters the listener.
   */
  onDrain(listener: DrainListener): () => void {
    this.drainListeners.add(listener);
    return () => this.drainListeners.delete(listener);
  }

  /** Runs every drain listener once; called by the shutdown sequence, not by listeners. */
  async runDrainListeners(): Promise<void> {
    const listeners = [...this.drainListeners];
    this.drainListeners.clear();
    const results = await Promise.allSettled(listeners.map(async (listener) => listener()));
    for (const result of results) {
      if (result.status === 'rejected') this.logger.error({ event: 'shutdown.drain_failed', err: result.reason }, 'A drain listener failed');
    }
  }
}
