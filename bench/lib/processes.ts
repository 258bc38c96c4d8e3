import { ChildProcess, spawn, SpawnOptions } from 'node:child_process';
import { openFilesLimit } from './proc-stats';

export { freePort } from '../../test/support/free-port';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Every process the harness starts, so each can be stopped by its PID when the run ends, fails
 * or is interrupted (never by name: other people's processes run on this machine too).
 */
export class ProcessRegistry {
  private readonly children = new Set<ChildProcess>();

  /**
   * Starts a process. With `minOpenFiles` above this process's limit it is started through
   * `sh -c 'ulimit -n …; exec …'`, so its PID is still the program's own.
   */
  spawn(command: string, args: string[], options: SpawnOptions & { minOpenFiles?: number } = {}): ChildProcess {
    const { minOpenFiles, ...spawnOptions } = options;
    let file = command;
    let argv = args;
    if (minOpenFiles !== undefined && minOpenFiles > openFilesLimit()) {
      const script = `ulimit -n ${minOpenFiles} 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$@"`;
      file = 'sh';
      argv = ['-c', script, 'sh', command, ...args];
    }
    const child = spawn(file, argv, spawnOptions);
    this.children.add(child);
    child.once('exit', () => this.children.delete(child));
    return child;
  }

  get pids(): number[] {
    return [...this.children].map((child) => child.pid).filter((pid): pid is number => pid !== undefined);
  }

  /**
   * SIGTERM, then SIGKILL after `graceMs` (at once when 0: nothing measured needs a graceful
   * exit, and the app's drain takes two seconds); resolves once the process has exited.
   */
  async stop(child: ChildProcess, graceMs = 0): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(graceMs > 0 ? 'SIGTERM' : 'SIGKILL');
    const timer = graceMs > 0 ? setTimeout(() => child.kill('SIGKILL'), graceMs) : undefined;
    await exited;
    clearTimeout(timer);
  }

  async stopAll(graceMs = 0): Promise<void> {
    await Promise.all([...this.children].map((child) => this.stop(child, graceMs)));
  }

  /** Last resort from an `exit` handler, where nothing asynchronous runs any more. */
  killAllNow(): void {
    for (const child of this.children) {
      if (child.pid !== undefined && child.exitCode === null) {
        try {
          process.kill(child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
  }
}

/** Polls `probe` until it resolves true, the process exits, or `timeoutMs` passes. */
export async function waitUntil(what: string, child: ChildProcess, probe: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${what} exited (code ${child.exitCode}, signal ${child.signalCode}) before it was ready`);
    if (await probe().catch(() => false)) return;
    await sleep(50);
  }
  throw new Error(`${what} was not ready within ${timeoutMs} ms`);
}

/** Waits for an IPC `{ type: 'ready' }` message from a child started with an IPC channel. */
export function readyMessage<T extends { type: string }>(what: string, child: ChildProcess, timeoutMs = 30_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`${what} was not ready within ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (message: T) => {
      if (message?.type === 'ready') done(undefined, message);
    };
    const onExit = (code: number | null) => done(new Error(`${what} exited with code ${code} before it was ready`));
    function done(error?: Error, message?: T) {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve(message!);
    }
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}
