import { registerAs } from '@nestjs/config';
import { IsIn, IsOptional } from 'class-validator';
import { validateEnv } from './env.validation';

class DemoEnv {
  @IsOptional() @IsIn(['true', 'false'], { message: 'DEMO_ENABLED must be true or false' })
  DEMO_ENABLED?: string;
}

export interface DemoConfig {
  /** Serve the demo page at `/demo`: on by default outside production, off in production. */
  enabled: boolean;
}

export const demoConfig = registerAs('demo', (): DemoConfig => {
  const env = validateEnv(DemoEnv);
  return { enabled: env.DEMO_ENABLED === undefined ? process.env.NODE_ENV !== 'production' : env.DEMO_ENABLED === 'true' };
});
