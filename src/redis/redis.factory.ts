import { Logger } from '@nestjs/common';
import { Cluster, Redis, RedisOptions } from 'ioredis';
import type { RedisConfig } from '../config';
import { CoalescingRedis } from './coalescing-redis';
import type { RedisClient } from './redis.constants';

/** How a client groups the commands issued in one event-loop turn into one write. */
export interface RedisBatching {
  /**
   * Standalone and Sentinel clients cork their socket for the turn (see `CoalescingRedis`); a
   * Cluster client, whose node connections ioredis creates itself, auto-pipelines per node.
   * Off by default: one write per command.
   */
  batchWrites?: boolean;
}

/**
 * Builds an ioredis client — standalone, Sentinel or Cluster, by `config.mode` — that fails fast
 * instead of queueing: while Redis is unreachable every command rejects at once (no offline
 * queue) or after `commandTimeoutMs`, so callers can answer 503 within a second; reconnection
 * (and, with Sentinel, rediscovery of the primary after a failover) is retried forever with a
 * short capped backoff.
 */
export function createRedisClient(
  config: RedisConfig,
  name: string,
  overrides: RedisOptions = {},
  { batchWrites = false }: RedisBatching = {},
): RedisClient {
  const retry = (attempt: number) => Math.min(50 * 2 ** attempt, 1_000);
  const options: RedisOptions = {
    connectionName: `ticketgate:${name}`,
    connectTimeout: config.connectTimeoutMs,
    commandTimeout: config.commandTimeoutMs,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    retryStrategy: retry,
    // A disconnect while (re)connecting otherwise leaves a 2 s timer behind, delaying shutdown.
    disconnectTimeout: 100,
    ...(config.password ? { password: config.password } : {}),
    ...overrides,
  };
  const SingleNodeClient: typeof Redis = batchWrites ? CoalescingRedis : Redis;
  let client: RedisClient;
  if (config.mode === 'cluster') {
    client = new Cluster(config.clusterNodes, {
      redisOptions: options,
      enableOfflineQueue: options.enableOfflineQueue,
      // A cluster client pipelines by itself, per node; its nodes' clients never see the option.
      enableAutoPipelining: batchWrites,
      clusterRetryStrategy: retry,
      scaleReads: 'master',
    });
  } else if (config.mode === 'sentinel') {
    client = new SingleNodeClient({
      ...options,
      sentinels: config.sentinels,
      name: config.sentinelName,
      ...(config.password ? { sentinelPassword: config.password } : {}),
      sentinelRetryStrategy: retry,
      // After a failover the old primary may come back as a replica; reconnect to the new one.
      reconnectOnError: (error) => (error.message.startsWith('READONLY') ? 2 : false),
    });
  } else {
    client = new SingleNodeClient(config.url!, options);
  }
  const logger = new Logger(`Redis:${name}`);
  stopOnMissingDatabase(client, logger);
  logTransitions(client, logger);
  return client;
}

/** Why a client was stopped for good (its configuration cannot work), if it was. */
const stopped = new WeakMap<RedisClient, string>();

/** The configuration problem that stopped `client`, for start-up and health checks. */
export function redisConfigurationProblem(client: RedisClient): string | undefined {
  return stopped.get(client);
}

/**
 * ioredis sends the URL's `SELECT` when it connects, but a refusal (no such database) is only
 * emitted as an 'error' and the connection carries on in database 0
 * (https://github.com/redis/ioredis/issues/1213). Using another database than the one configured
 * could mix our keys with someone else's, so the client is stopped instead.
 */
function stopOnMissingDatabase(client: RedisClient, logger: Logger): void {
  client.on('error', (error: Error & { command?: { name: string; args: unknown[] } }) => {
    if (error.command?.name !== 'select' || stopped.has(client)) return;
    const problem = `REDIS_URL selects database ${String(error.command.args[0])}, which this Redis server refuses (${error.message})`;
    stopped.set(client, problem);
    logger.error(`${problem}; this connection is closed and not retried`);
    client.disconnect();
  });
}

/** ioredis emits an error on every failed reconnect; log the transitions once, not each retry. */
function logTransitions(client: RedisClient, logger: Logger): void {
  let healthy = true;
  client.on('ready', () => {
    if (!healthy) logger.log('Connection to Redis restored');
    healthy = true;
  });
  client.on('error', (error: Error) => {
    if (healthy && !stopped.has(client)) logger.error(`Redis connection lost: ${error.message}`);
    healthy = false;
  });
}

/**
 * Resolves when the client is ready (true), ends for good or after `timeoutMs` (false), whichever
 * comes first; never rejects.
 */
export function waitForReady(client: RedisClient, timeoutMs: number): Promise<boolean> {
  if (client.status === 'ready') return Promise.resolve(true);
  if (client.status === 'end') return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => done(false), timeoutMs);
    timer.unref();
    const onReady = () => done(true);
    const onEnd = () => done(false);
    function done(ready: boolean) {
      clearTimeout(timer);
      client.off('ready', onReady);
      client.off('end', onEnd);
      resolve(ready);
    }
    client.once('ready', onReady);
    client.once('end', onEnd);
  });
}

/** Closes a client politely, falling back to a hard disconnect when Redis does not answer. */
export async function closeRedisClient(client: RedisClient): Promise<void> {
  if (client.status === 'end') return;
  try {
    if (client.status === 'ready') {
      await Promise.race([client.quit(), new Promise((resolve) => setTimeout(resolve, 500).unref())]);
    }
  } catch {
    // quit failing only means the connection is already gone
  } finally {
    client.disconnect(false);
  }
}
