import { registerAs } from '@nestjs/config';
import { IsInt, Max, Min } from 'class-validator';
import { InvalidConfigError, validateEnv } from '../config/env.validation';

class ShutdownEnv {
  @IsInt() @Min(0) @Max(60_000)
  SHUTDOWN_DRAIN_MS: number = 2_000;

  @IsInt() @Min(1_000) @Max(120_000)
  SHUTDOWN_TIMEOUT_MS: number = 9_000;
}

export interface ShutdownConfig {
  /**
   * How long an instance keeps serving after SIGTERM while readiness already answers 503, so
   * load balancers stop routing to it before its listener closes. SIGINT does not wait.
   */
  drainMs: number;
  /** Budget from the signal to exit; past it the process exits 1 rather than hang. */
  timeoutMs: number;
}

/** Graceful-shutdown settings; lives beside the lifecycle code, validated at boot like every namespace. */
export const shutdownConfig = registerAs('shutdown', (): ShutdownConfig => {
  const env = validateEnv(ShutdownEnv);
  if (env.SHUTDOWN_TIMEOUT_MS <= env.SHUTDOWN_DRAIN_MS) {
    throw new InvalidConfigError([
      `SHUTDOWN_TIMEOUT_MS=${env.SHUTDOWN_TIMEOUT_MS} must exceed SHUTDOWN_DRAIN_MS=${env.SHUTDOWN_DRAIN_MS}`,
    ]);
  }
  return { drainMs: env.SHUTDOWN_DRAIN_MS, timeoutMs: env.SHUTDOWN_TIMEOUT_MS };
});
