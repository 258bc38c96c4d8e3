/** Where the gathered lines go: pino's synchronous destination, or anything with its `write`. */
export interface LineSink {
  write(chunk: string): unknown;
}

/** Lines held past this many characters are written at once, whatever the turn. */
export const MAX_HELD_CHARS = 16 * 1024;

/**
 * A pino destination that writes the lines of one event-loop turn in one `write(2)`: the first
 * line of a turn is held, and the held lines go to the sink in the turn's check phase
 * (`setImmediate`), in the order they came. Under load a turn answers many requests, so one
 * write carries many access lines instead of one write each. The Redis client batches its
 * commands the same way (`CoalescingRedis`).
 *
 * Nothing waits longer than the turn it was logged in, and once `MAX_HELD_CHARS` characters are
 * held they are written at once. When the process exits (`process.exit()`, an uncaught
 * exception) the held lines are written first, and from the start of a shutdown every line is
 * written as it comes (`writeThrough`). Only a death that runs no JavaScript at all (SIGKILL, a
 * crash of the runtime) loses held lines: at most those of the turn it struck.
 */
export class TurnBatchedDestination {
  private held = '';
  private batching = true;
  private readonly flushHeld = () => this.flush();

  constructor(private readonly sink: LineSink) {}

  write(line: string): boolean {
    if (!this.batching) {
      this.sink.write(line);
      return true;
    }
    if (this.held === '') {
      setImmediate(this.flushHeld);
      flushAtExit(this);
    }
    this.held += line;
    if (this.held.length >= MAX_HELD_CHARS) this.flush();
    return true;
  }

  /**
   * Writes what is held and every later line at once, unbatched. For shutdown: a process that
   * ends by re-raising a signal (Nest's default for all but SIGTERM and SIGINT here) runs no
   * `exit` listener, and may do so before the turn's held lines would have gone out.
   */
  writeThrough(): void {
    this.batching = false;
    this.flush();
  }

  /** Writes the held lines now (pino's `logger.flush()` calls this). */
  flush(callback?: (error?: Error) => void): void {
    if (this.held !== '') {
      const lines = this.held;
      this.held = '';
      holding.delete(this);
      this.sink.write(lines);
    }
    callback?.();
  }
}

/**
 * Destinations holding lines right now, flushed by one `exit` listener rather than one per
 * destination: a process (a test run, say) may build many loggers.
 */
const holding = new Set<TurnBatchedDestination>();
let listening = false;

function flushAtExit(destination: TurnBatchedDestination): void {
  holding.add(destination);
  if (listening) return;
  listening = true;
  process.on('exit', () => {
    for (const destination of [...holding]) destination.flush();
  });
}
