import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort, RedisServer } from './redis-server';

export const SENTINEL_MASTER_NAME = 'ticketgate-test';

async function until(probe: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what} did not happen within ${timeoutMs} ms`);
}

async function ask<T>(port: number, fn: (client: Redis) => Promise<T>): Promise<T> {
  const client = new Redis(port, '127.0.0.1', { maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return await fn(client);
  } finally {
    client.disconnect();
  }
}

/**
 * A primary, one replica and one Sentinel, all `redis-server` processes on free ports, with
 * Sentinel set to fail over one second after the primary stops answering, and writes refused
 * while a primary has no replica (`min-replicas-to-write 1`).
 */
export class RedisSentinelGroup {
  private constructor(
    readonly primary: RedisServer,
    readonly replica: RedisServer,
    readonly sentinelPort: number,
    private readonly sentinel: ChildProcess,
    private readonly dir: string,
  ) {}

  static async start(): Promise<RedisSentinelGroup> {
    const dir = mkdtempSync(join(tmpdir(), 'ticketgate-sentinel-'));
    // As recommended for production: a primary without a live replica refuses writes, so no
    // consume is acknowledged that a failover could lose.
    const durable = ['--min-replicas-to-write', '1', '--min-replicas-max-lag', '10'];
    const primary = await RedisServer.start(undefined, durable);
    const replica = await RedisServer.start(undefined, [...durable, '--replicaof', '127.0.0.1', String(primary.port)]);
    await until(async () => ask(replica.port, async (c) => /master_link_status:up/.test(await c.info('replication'))), 10_000, 'replication');

    const sentinelPort = await freePort();
    const config = join(dir, 'sentinel.conf');
    writeFileSync(
      config,
      [
        `port ${sentinelPort}`,
        'bind 127.0.0.1',
        `sentinel monitor ${SENTINEL_MASTER_NAME} 127.0.0.1 ${primary.port} 1`,
        `sentinel down-after-milliseconds ${SENTINEL_MASTER_NAME} 1000`,
        `sentinel failover-timeout ${SENTINEL_MASTER_NAME} 5000`,
        `sentinel parallel-syncs ${SENTINEL_MASTER_NAME} 1`,
      ].join('\n'),
    );
    const sentinel = spawn('redis-server', [config, '--sentinel'], { stdio: 'ignore', cwd: dir });
    const group = new RedisSentinelGroup(primary, replica, sentinelPort, sentinel, dir);
    await until(
      async () => ask(sentinelPort, async (c) => ((await c.call('SENTINEL', 'REPLICAS', SENTINEL_MASTER_NAME)) as unknown[]).length === 1),
      15_000,
      'sentinel discovering the replica',
    );
    return group;
  }

  /** Port of the node Sentinel currently names as primary. */
  async currentPrimaryPort(): Promise<number> {
    return ask(this.sentinelPort, async (c) => Number(((await c.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', SENTINEL_MASTER_NAME)) as string[])[1]));
  }

  /** Kills the primary and waits until Sentinel has promoted the replica. */
  async failOver(): Promise<void> {
    await this.primary.stop();
    await until(async () => (await this.currentPrimaryPort()) === this.replica.port, 20_000, 'failover');
  }

  async stop(): Promise<void> {
    await Promise.all([this.primary.stop(), this.replica.stop()]);
    if (this.sentinel.exitCode === null) {
      await new Promise<void>((resolve) => {
        this.sentinel.once('exit', () => resolve());
        this.sentinel.kill('SIGKILL');
      });
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
