import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { RedisServer } from './redis-server';

const run = promisify(execFile);

/**
 * A real three-primary Redis Cluster made of `redis-server` processes on free ports, joined with
 * `redis-cli --cluster create`. Its node files live in a temporary folder removed on `stop()`.
 */
export class RedisCluster {
  private constructor(
    readonly nodes: RedisServer[],
    private readonly dir: string,
  ) {}

  static async start(primaries = 3): Promise<RedisCluster> {
    const dir = mkdtempSync(join(tmpdir(), 'ticketgate-cluster-'));
    const nodes: RedisServer[] = [];
    try {
      for (let i = 0; i < primaries; i++) {
        nodes.push(
          await RedisServer.start(undefined, ['--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${i}.conf`, '--cluster-node-timeout', '2000'], dir),
        );
      }
      const cluster = new RedisCluster(nodes, dir);
      await run('redis-cli', ['--cluster', 'create', ...cluster.addresses, '--cluster-replicas', '0', '--cluster-yes']);
      await cluster.waitUntilHealthy();
      return cluster;
    } catch (error) {
      await Promise.all(nodes.map((node) => node.stop()));
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  }

  get addresses(): string[] {
    return this.nodes.map((node) => `127.0.0.1:${node.port}`);
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((node) => node.stop()));
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async waitUntilHealthy(): Promise<void> {
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      const states = await Promise.all(
        this.nodes.map(async (node) => {
          const client = new Redis(node.port, '127.0.0.1', { maxRetriesPerRequest: 0 });
          try {
            return /cluster_state:ok/.test(await client.cluster('INFO'));
          } finally {
            client.disconnect();
          }
        }),
      );
      if (states.every(Boolean)) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('Redis Cluster did not become healthy');
  }
}
