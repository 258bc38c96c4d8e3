import { registerAs } from '@nestjs/config';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { InvalidConfigError, validateEnv } from './env.validation';

class RedisEnv {
  @IsOptional() @Matches(/^rediss?:\/\/\S+$/, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;

  @IsString() @MaxLength(64) @Matches(/^[A-Za-z0-9:_.-]*$/, { message: 'REDIS_KEY_PREFIX may only contain letters, digits and : _ . -' })
  REDIS_KEY_PREFIX: string = 'ticketgate:';

  @IsInt() @Min(50) @Max(60_000)
  REDIS_COMMAND_TIMEOUT_MS: number = 500;

  @IsInt() @Min(100) @Max(60_000)
  REDIS_CONNECT_TIMEOUT_MS: number = 2_000;
}

export interface RedisConfig {
  url?: string;
  keyPrefix: string;
  commandTimeoutMs: number;
  connectTimeoutMs: number;
}

export const redisConfig = registerAs('redis', (): RedisConfig => {
  const env = validateEnv(RedisEnv);
  if (!env.REDIS_URL && process.env.NODE_ENV === 'production') {
    throw new InvalidConfigError(['REDIS_URL is required when NODE_ENV=production']);
  }
  return {
    url: env.REDIS_URL,
    keyPrefix: env.REDIS_KEY_PREFIX,
    commandTimeoutMs: env.REDIS_COMMAND_TIMEOUT_MS,
    connectTimeoutMs: env.REDIS_CONNECT_TIMEOUT_MS,
  };
});
