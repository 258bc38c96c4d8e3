import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ConfigService } from '@nestjs/config';
import { AppModule } from './app.module';
import { configureApp, createFastifyAdapter } from './app.setup';
import type { AllConfig } from './config';
import { InvalidConfigError } from './config/env.validation';
import { enableGracefulShutdown } from './lifecycle/enable-graceful-shutdown';
import { applyRuntimeTuning } from './lifecycle/runtime-tuning';

async function bootstrap(): Promise<void> {
  // Before the app allocates anything on the request path (see runtime-tuning.ts).
  applyRuntimeTuning();
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, createFastifyAdapter(), {
    bufferLogs: true,
  });
  // Before configureApp: SIGTERM/SIGINT drain and exit 0 rather than take Nest's default handling.
  enableGracefulShutdown(app);
  configureApp(app);
  const config = app.get(ConfigService<AllConfig, true>);
  const { port, host } = config.get('app', { infer: true });
  await app.listen(port, host);
}

bootstrap().catch((error: unknown) => {
  const invalidConfig = error instanceof InvalidConfigError || (error instanceof Error && error.message.startsWith('Invalid environment variables'));
  // The logger may not exist yet when configuration is invalid, so write straight to stderr.
  process.stderr.write(`${invalidConfig ? (error as Error).message : `Failed to start: ${error instanceof Error ? error.stack : String(error)}`}\n`);
  process.exit(1);
});
