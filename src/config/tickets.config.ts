import { registerAs } from '@nestjs/config';
import { IsInt, Max, Min } from 'class-validator';
import { InvalidConfigError, validateEnv } from './env.validation';

class TicketsEnv {
  @IsInt() @Min(1) @Max(86_400)
  TICKET_TTL_DEFAULT_SECONDS: number = 300;

  @IsInt() @Min(1) @Max(86_400)
  TICKET_TTL_MIN_SECONDS: number = 30;

  @IsInt() @Min(1) @Max(86_400)
  TICKET_TTL_MAX_SECONDS: number = 3600;

  @IsInt() @Min(1) @Max(10_000)
  TICKET_MAX_ACTIVE_PER_USER: number = 20;

  @IsInt() @Min(1) @Max(100_000)
  TICKET_RATE_LIMIT_PER_MINUTE: number = 60;
}

export interface TicketsConfig {
  defaultTtlSeconds: number;
  minTtlSeconds: number;
  maxTtlSeconds: number;
  maxActivePerUser: number;
  rateLimitPerMinute: number;
}

export const ticketsConfig = registerAs('tickets', (): TicketsConfig => {
  const env = validateEnv(TicketsEnv);
  const { TICKET_TTL_MIN_SECONDS: min, TICKET_TTL_MAX_SECONDS: max, TICKET_TTL_DEFAULT_SECONDS: def } = env;
  if (min > max || def < min || def > max) {
    throw new InvalidConfigError([
      `TICKET_TTL_DEFAULT_SECONDS=${def} must lie within TICKET_TTL_MIN_SECONDS=${min} and TICKET_TTL_MAX_SECONDS=${max}`,
    ]);
  }
  return {
    defaultTtlSeconds: def,
    minTtlSeconds: min,
    maxTtlSeconds: max,
    maxActivePerUser: env.TICKET_MAX_ACTIVE_PER_USER,
    rateLimitPerMinute: env.TICKET_RATE_LIMIT_PER_MINUTE,
  };
});
