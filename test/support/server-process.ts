import type { ChildProcess } from 'node:child_process';
import { freePort } from './redis-server';
import { startTs } from './spawn';

/** One parsed JSON log line of the server. */
export type LogLine = Record<string, unknown> & { level?: number; msg?: string; context?: string; event?: string };

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** `Date.now()` when the process exited. */
  at: number;
}

/**
 * `src/main.ts` in a child process, exactly as it runs in production (compiled on the fly by
 * SWC), on a free port, with its stdout parsed as JSON lines. `stop()` SIGKILLs it if it is
 * still running and waits for the exit: call it in `afterAll`.
 */
export class ServerProcess {
  readonly lines: LogLine[] = [];
  /** Everything the process wrote, stdout and stderr, for leak checks. */
  output = '';
  readonly exited: Promise<Exit>;
  private readonly waiters = new Set<() => void>();

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {
    let pending = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      this.output += chunk;
      pending += chunk;
      const complete = pending.split('\n');
      pending = complete.pop()!;
      for (const line of complete.filter(Boolean)) this.lines.push(parseLine(line));
      this.notify();
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      this.output += chunk;
    });
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        resolve({ code, signal, at: Date.now() });
        this.notify();
      });
    });
  }

  static async start(env: NodeJS.ProcessEnv): Promise<ServerProcess> {
    const port = await freePort();
    const child = startTs('src/main.ts', [], { HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env, PORT: String(port) });
    const server = new ServerProcess(child, port);
    try {
      await server.waitUntilServing();
    } catch (error) {
      await server.stop();
      throw error;
    }
    return server;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number {
    return this.child.pid!;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** Resolves with the first log line matching `predicate`, already written or still to come. */
  waitForLog(predicate: (line: LogLine) => boolean, timeoutMs = 10_000): Promise<LogLine> {
    return this.waitFor(() => this.lines.find(predicate), timeoutMs, 'log line');
  }

  async stop(): Promise<Exit> {
    if (this.running) this.child.kill('SIGKILL');
    return this.exited;
  }

  private async waitUntilServing(): Promise<void> {
    // The "successfully started" line comes from init(), before listen(); then poll briefly.
    await this.waitForLog((line) => line.msg === 'Nest application successfully started', 30_000);
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      if (!this.running) break;
      const ok = await fetch(`${this.baseUrl}/health/live`).then((response) => response.ok, () => false);
      if (ok) return;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`server did not start serving on ${this.port}; output:\n${this.output.slice(-4_000)}`);
  }

  private waitFor<T>(probe: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = probe();
        if (found !== undefined) {
          finish();
          resolve(found);
        } else if (!this.running) {
          finish();
          reject(new Error(`server exited before the expected ${what}; output:\n${this.output.slice(-4_000)}`));
        }
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`no ${what} within ${timeoutMs} ms; output:\n${this.output.slice(-4_000)}`));
      }, timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

function parseLine(line: string): LogLine {
  try {
    return JSON.parse(line) as LogLine;
  } catch {
    // Not JSON: kept so a test asserting "every line is JSON" can see it.
    return { notJson: line };
  }
}
