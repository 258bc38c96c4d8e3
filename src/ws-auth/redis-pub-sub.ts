import { Logger } from '@nestjs/common';
import { createAdapter } from '@socket.io/redis-adapter';
import type { RedisConfig } from '../config';
import type { RedisClient } from '../redis/redis.constants';
import { closeRedisClient, createRedisClient } from '../redis/redis.factory';

/**
 * Commands @socket.io/redis-adapter sends without handling their promise. While Redis is
 * unreachable they reject, and an unhandled rejection ends a Node process
 * (https://github.com/socketio/socket.io-redis-adapter/issues/513).
 */
const UNAWAITED_COMMANDS = ['publish', 'subscribe', 'psubscribe', 'unsubscribe', 'punsubscribe'] as const;

/** Attaches a logging handler to every promise of `UNAWAITED_COMMANDS`; callers that await still see the rejection. */
function handleRejections(client: RedisClient, logger: Logger): RedisClient {
  let reported = false;
  client.on('ready', () => (reported = false));
  const onRejected = (error: unknown) => {
    // One line per outage: every broadcast fails while Redis is away.
    if (!reported) logger.warn(`Socket.IO Redis adapter command failed; broadcasts to other instances are lost until Redis is back: ${error instanceof Error ? error.message : String(error)}`);
    reported = true;
  };
  for (const name of UNAWAITED_COMMANDS) {
    const command = (client[name] as (...args: unknown[]) => Promise<unknown>).bind(client);
    Object.defineProperty(client, name, {
      value: (...args: unknown[]) => {
        const result = command(...args);
        result.catch(onRejected);
        return result;
      },
    });
  }
  return client;
}

/**
 * The publisher and subscriber connections of the Socket.IO Redis adapter. Both speak RESP2,
 * the protocol the adapter is built and tested against (ioredis 6 defaults to RESP3). The
 * subscriber is created before Redis answers, so it queues its SUBSCRIBE until connected, has
 * no command timeout (a timed-out SUBSCRIBE would leave it deaf), and ioredis re-subscribes
 * after every reconnect.
 */
export class RedisPubSub {
  private readonly logger = new Logger('Redis:socket.io');
  private readonly pub: RedisClient;
  private readonly sub: RedisClient;

  constructor(config: RedisConfig) {
    this.pub = handleRejections(createRedisClient(config, 'socket.io-pub', { protocol: 2 }), this.logger);
    this.sub = handleRejections(
      createRedisClient(config, 'socket.io-sub', {
        protocol: 2,
        enableOfflineQueue: true,
        maxRetriesPerRequest: null,
        commandTimeout: undefined,
      }),
      this.logger,
    );
  }

  /** The adapter factory for `server.adapter(...)`; channels start with the service's key prefix. */
  adapter(keyPrefix: string, requestsTimeoutMs: number): ReturnType<typeof createAdapter> {
    return createAdapter(this.pub, this.sub, { key: `${keyPrefix}socket.io`, requestsTimeout: requestsTimeoutMs });
  }

  async close(): Promise<void> {
    await Promise.all([closeRedisClient(this.pub), closeRedisClient(this.sub)]);
  }
}
