import { Redis } from 'ioredis';
import type { RedisConfig } from '../src/config';
import { CoalescingRedis } from '../src/redis/coalescing-redis';
import { closeRedisClient, createRedisClient, waitForReady } from '../src/redis/redis.factory';
import { RedisServer } from './support/redis-server';

/** A standalone Redis at `url`, with the service's default timeouts. */
const config = (url: string): RedisConfig => ({
  mode: 'standalone',
  url,
  sentinels: [],
  sentinelName: 'mymaster',
  clusterNodes: [],
  waitReplicas: 0,
  keyPrefix: 'batching:',
  commandTimeoutMs: 500,
  connectTimeoutMs: 2_000,
});

/**
 * The store's client groups the commands of one event-loop turn into one write. Measured on a
 * Redis of its own, whose `total_reads_processed` counts the reads it took from its clients.
 */
describe('Redis write batching (the store client)', () => {
  let server: RedisServer;
  let admin: Redis;
  let client: Redis;

  /** Reads Redis has taken from its clients, not counting the INFO that asks. */
  async function readsDuring(work: () => Promise<unknown>): Promise<number> {
    const reads = async () => Number(/total_reads_processed:(\d+)/.exec(await admin.info('stats'))![1]);
    const before = await reads();
    await work();
    return (await reads()) - before - 1;
  }

  beforeAll(async () => {
    server = await RedisServer.start();
    admin = new Redis(server.url);
  });

  beforeEach(async () => {
    client = createRedisClient(config(server.url), 'store', {}, { batchWrites: true }) as Redis;
    expect(await waitForReady(client, 2_000)).toBe(true);
  });

  afterEach(async () => {
    await closeRedisClient(client);
  });

  afterAll(async () => {
    await admin.quit();
    await server.stop();
  });

  it('is a CoalescingRedis for a standalone URL', () => {
    expect(client).toBeInstanceOf(CoalescingRedis);
  });

  it("sends one turn's commands in one write, and each command still gets its own reply", async () => {
    const keys = Array.from({ length: 40 }, (_, index) => `batching:key:${index}`);
    let results: unknown[] = [];

    const reads = await readsDuring(async () => {
      // All issued in the same turn: 40 SETs, 40 GETs and one command that fails on its own.
      const sets = keys.map((key, index) => client.set(key, `value-${index}`));
      const failing = client.incr('batching:key:0').then(
        () => 'resolved',
        (error: Error) => error.message,
      );
      const gets = keys.map((key) => client.get(key));
      results = await Promise.all([...sets, failing, ...gets]);
    });

    expect(reads).toBe(1);
    expect(results.slice(0, 40)).toEqual(keys.map(() => 'OK'));
    expect(results[40]).toMatch(/not an integer/);
    expect(results.slice(41)).toEqual(keys.map((_, index) => `value-${index}`));
  });

  it('does not hold a command past its turn: a lone command is answered, and each turn is one write', async () => {
    const reads = await readsDuring(async () => {
      expect(await client.set('batching:lone', 'first')).toBe('OK');
      expect(await Promise.all([client.get('batching:lone'), client.exists('batching:lone')])).toEqual(['first', 1]);
    });

    expect(reads).toBe(2);
  });

  it('keeps batching on the new connection after Redis drops the old one', async () => {
    const reconnected = new Promise<void>((resolve) => client.once('ready', () => resolve()));
    await admin.call('CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes');
    await reconnected;

    let values: unknown[] = [];
    const reads = await readsDuring(async () => {
      values = await Promise.all(Array.from({ length: 20 }, (_, index) => client.echo(`after-reconnect-${index}`)));
    });

    expect(reads).toBe(1);
    expect(values).toEqual(Array.from({ length: 20 }, (_, index) => `after-reconnect-${index}`));
  });
});

describe('Redis clients without write batching', () => {
  it('are plain ioredis clients (one write per command)', async () => {
    const server = await RedisServer.start();
    const client = createRedisClient(config(server.url), 'socket.io-pub');
    try {
      expect(client).not.toBeInstanceOf(CoalescingRedis);
      expect(await waitForReady(client, 2_000)).toBe(true);
      expect(await client.ping()).toBe('PONG');
    } finally {
      await closeRedisClient(client);
      await server.stop();
    }
  });
});
