import { Logger } from '@nestjs/common';
import { Redis, RedisOptions } from 'ioredis';
import type { RedisConfig } from '../config';
import type { RedisClient } from './redis.constants';

/**
 * Builds an ioredis client that fails fast instead of queueing: while Redis is unreachable
 * every command rejects at once (no offline queue) or after `commandTimeoutMs`, so callers can
 * answer 503 within a second; reconnection is retried forever with a short capped backoff.
 */
export function createRedisClient(config: RedisConfig, name: string, overrides: RedisOptions = {}): Redis {
  const logger = new Logger(`Redis:${name}`);
  const client = new Redis(config.url!, {
    connectionName: `ticketgate:${name}`,
    connectTimeout: config.connectTimeoutMs,
    commandTimeout: config.commandTimeoutMs,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 1_000),
    ...overrides,
  });
  let healthy = true;
  client.on('ready', () => {
    if (!healthy) logger.log('Connection to Redis restored');
    healthy = true;
  });
  client.on('error', (error: Error) => {
    // ioredis emits an error on every failed reconnect; log the transition once, not each retry.
    if (healthy) logger.error(`Redis connection lost: ${error.message}`);
    healthy = false;
  });
  return client;
}

/** Resolves when the client is ready, or after `timeoutMs`, whichever comes first; never rejects. */
export function waitForReady(client: RedisClient, timeoutMs: number): Promise<boolean> {
  if (client.status === 'ready') return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => done(false), timeoutMs);
    timer.unref();
    const onReady = () => done(true);
    function done(ready: boolean) {
      clearTimeout(timer);
      client.off('ready', onReady);
      resolve(ready);
    }
    client.once('ready', onReady);
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
