import type { Cluster, Redis } from 'ioredis';

/** Injection token of the shared ioredis client; the value is `null` when no Redis is configured. */
export const REDIS_CLIENT = Symbol('REDIS_CLIENT');

/** A single node (standalone or Sentinel-managed) or a Cluster; both speak the same commands. */
export type RedisClient = Redis | Cluster;
