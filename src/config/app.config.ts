import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { registerAs } from '@nestjs/config';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { parseTrustProxy, TrustProxy } from '../common/client-address';
import { InvalidConfigError, parseOrigins, validateEnv } from './env.validation';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const PORT_RANGE = { message: 'PORT must be a decimal integer from 1 to 65535' };

class AppEnv {
  @IsOptional() @IsIn(['development', 'production', 'test'])
  NODE_ENV?: string;

  @IsInt(PORT_RANGE) @Min(1, PORT_RANGE) @Max(65535, PORT_RANGE)
  PORT: number = 3000;

  @IsString()
  HOST: string = '0.0.0.0';

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: LogLevel = 'info';

  @IsOptional() @IsString()
  CORS_ORIGINS?: string;

  @IsOptional() @IsString() @MaxLength(64)
  INSTANCE_ID?: string;

  @IsOptional() @IsString()
  TRUST_PROXY?: string;
}

export interface AppConfig {
  nodeEnv: 'development' | 'production' | 'test';
  isProduction: boolean;
  port: number;
  host: string;
  logLevel: LogLevel;
  corsOrigins: string[];
  instanceId: string;
  /** Which proxies' `X-Forwarded-For` to believe for client addresses (HTTP and handshakes). */
  trustProxy: TrustProxy;
}

export const appConfig = registerAs('app', (): AppConfig => {
  const env = validateEnv(AppEnv);
  const nodeEnv = (env.NODE_ENV ?? 'development') as AppConfig['nodeEnv'];
  const trustProxy = parseTrustProxy(env.TRUST_PROXY);
  if (typeof trustProxy === 'string') throw new InvalidConfigError([trustProxy]);
  return {
    nodeEnv,
    isProduction: nodeEnv === 'production',
    port: env.PORT,
    host: env.HOST,
    logLevel: env.LOG_LEVEL,
    corsOrigins: parseOrigins('CORS_ORIGINS', env.CORS_ORIGINS),
    instanceId: env.INSTANCE_ID ?? `${hostname()}-${randomBytes(3).toString('hex')}`,
    trustProxy,
  };
});
