import { registerAs } from '@nestjs/config';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { InvalidConfigError, splitList, validateEnv } from './env.validation';

const HOST_PORT_LIST = /^\s*[^\s,:]+:\d{1,5}\s*(,\s*[^\s,:]+:\d{1,5}\s*)*$/;

class RedisEnv {
  @IsOptional() @Matches(/^rediss?:\/\/\S+$/, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;

  @IsOptional() @Matches(HOST_PORT_LIST, { message: 'REDIS_SENTINELS must be a comma-separated list of host:port' })
  REDIS_SENTINELS?: string;

  @IsString() @MaxLength(128)
  REDIS_SENTINEL_NAME: string = 'mymaster';

  @IsOptional() @Matches(HOST_PORT_LIST, { message: 'REDIS_CLUSTER_NODES must be a comma-separated list of host:port' })
  REDIS_CLUSTER_NODES?: string;

  @IsOptional() @IsString()
  REDIS_PASSWORD?: string;

  @IsOptional() @IsInt() @Min(0) @Max(10)
  REDIS_WAIT_REPLICAS?: number;

  @IsString() @MaxLength(64) @Matches(/^[A-Za-z0-9:_.-]*$/, { message: 'REDIS_KEY_PREFIX may only contain letters, digits and : _ . -' })
  REDIS_KEY_PREFIX: string = 'ticketgate:';

  @IsInt() @Min(50) @Max(60_000)
  REDIS_COMMAND_TIMEOUT_MS: number = 500;

  @IsInt() @Min(100) @Max(60_000)
  REDIS_CONNECT_TIMEOUT_MS: number = 2_000;
}

export interface HostPort {
  host: string;
  port: number;
}

/** How Redis is reached: one URL, a Sentinel-managed primary, or a Cluster. */
export type RedisMode = 'standalone' | 'sentinel' | 'cluster';

export interface RedisConfig {
  /** Unset when no Redis is configured (the in-memory store is used). */
  mode?: RedisMode;
  url?: string;
  sentinels: HostPort[];
  sentinelName: string;
  clusterNodes: HostPort[];
  password?: string;
  /**
   * Replicas that must acknowledge a consume or revoke before it counts (Redis `WAIT`); unless
   * they do, the request fails closed with 503. Keeps "accepted at most once" true across a
   * failover. Defaults to 1 with Sentinel, 0 otherwise.
   */
  waitReplicas: number;
  keyPrefix: string;
  commandTimeoutMs: number;
  connectTimeoutMs: number;
}

function hostPorts(value: string | undefined): HostPort[] {
  return splitList(value).map((entry) => {
    const separator = entry.lastIndexOf(':');
    return { host: entry.slice(0, separator), port: Number(entry.slice(separator + 1)) };
  });
}

export const redisConfig = registerAs('redis', (): RedisConfig => {
  const env = validateEnv(RedisEnv);
  const chosen = (['REDIS_URL', 'REDIS_SENTINELS', 'REDIS_CLUSTER_NODES'] as const).filter((key) => env[key]);
  if (chosen.length > 1) {
    throw new InvalidConfigError([`${chosen.join(' and ')} are mutually exclusive; set only one`]);
  }
  if (chosen.length === 0 && process.env.NODE_ENV === 'production') {
    throw new InvalidConfigError(['REDIS_URL (or REDIS_SENTINELS or REDIS_CLUSTER_NODES) is required when NODE_ENV=production']);
  }
  if (env.REDIS_URL && !URL.canParse(env.REDIS_URL)) {
    // Never echoed: the URL may carry a password.
    throw new InvalidConfigError(['REDIS_URL is not a valid URL (percent-encode special characters such as # or @ in the password, and check the port)']);
  }
  const mode: RedisMode | undefined = env.REDIS_URL
    ? 'standalone'
    : env.REDIS_SENTINELS
      ? 'sentinel'
      : env.REDIS_CLUSTER_NODES
        ? 'cluster'
        : undefined;
  return {
    mode,
    url: env.REDIS_URL,
    sentinels: hostPorts(env.REDIS_SENTINELS),
    sentinelName: env.REDIS_SENTINEL_NAME,
    clusterNodes: hostPorts(env.REDIS_CLUSTER_NODES),
    password: env.REDIS_PASSWORD,
    waitReplicas: env.REDIS_WAIT_REPLICAS ?? (mode === 'sentinel' ? 1 : 0),
    keyPrefix: env.REDIS_KEY_PREFIX,
    commandTimeoutMs: env.REDIS_COMMAND_TIMEOUT_MS,
    connectTimeoutMs: env.REDIS_CONNECT_TIMEOUT_MS,
  };
});
