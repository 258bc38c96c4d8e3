import type { Redis } from 'ioredis';

/** Injection token of the shared ioredis client; the value is `null` when `REDIS_URL` is unset. */
export const REDIS_CLIENT = Symbol('REDIS_CLIENT');
export type RedisClient = Redis;
