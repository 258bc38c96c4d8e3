import { ChildProcess, spawn } from 'node:child_process';
import { Redis } from 'ioredis';
import { freePort } from './free-port';

export { freePort };

/**
 * A throwaway `redis-server` on a free port, for tests that stop, restart or break Redis.
 * Nothing is persisted; `stop()` kills it and waits for the process to exit.
 */
export class RedisServer {
  private process?: ChildProcess;

  private constructor(
    readonly port: number,
    private readonly extraArgs: string[],
    private readonly cwd?: string,
  ) {}

  /** Starts a server; `extraArgs` are appended to its command line, `cwd` is where it keeps files. */
  static async start(port?: number, extraArgs: string[] = [], cwd?: string): Promise<RedisServer> {
    const server = new RedisServer(port ?? (await freePort()), extraArgs, cwd);
    await server.restart();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async restart(): Promise<void> {
    if (this.process) return;
    this.process = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'no', ...this.extraArgs],
      { stdio: 'ignore', cwd: this.cwd },
    );
    await this.waitUntilReady();
  }

  async stop(): Promise<void> {
    const child = this.process;
    if (!child) return;
    this.process = undefined;
    if (child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }

  private async waitUntilReady(): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      // Exited: it could not bind (another test's server took the port); never probe that one instead.
      if (this.process?.exitCode !== null && this.process?.exitCode !== undefined) {
        this.process = undefined;
        throw new Error(`redis-server on port ${this.port} exited at start (port taken?)`);
      }
      const probe = new Redis(this.port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, disconnectTimeout: 0 });
      let refusedUs = false;
      probe.on('error', (error: Error) => (refusedUs ||= error.message.startsWith('NOAUTH')));
      try {
        await probe.connect();
        await probe.ping();
        return;
      } catch {
        // A server started with --requirepass answers (NOAUTH), which is all this waits for.
        if (refusedUs) return;
        await new Promise((resolve) => setTimeout(resolve, 50));
      } finally {
        probe.disconnect();
      }
    }
    throw new Error(`redis-server on port ${this.port} did not start`);
  }
}
