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
  // Say which values were not set, so the operator looks at the ones they wrote.
  const shown = (name: keyof TicketsEnv) => `${name}=${env[name]}${process.env[name] ? '' : ' (default)'}`;
  if (min > max) {
    throw new InvalidConfigError([`${shown('TICKET_TTL_MIN_SECONDS')} must not exceed ${shown('TICKET_TTL_MAX_SECONDS')}`]);
  }
  if (def < min || def > max) {
    throw new InvalidConfigError([
      `${shown('TICKET_TTL_DEFAULT_SECONDS')} must lie within ${shown('TICKET_TTL_MIN_SECONDS')} and ${shown('TICKET_TTL_MAX_SECONDS')}`,
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
