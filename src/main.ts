import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { AppModule } from './app.module';
import { APP_OPTIONS, configureApp, createFastifyAdapter } from './app.setup';
import { configNamespaces, type AllConfig } from './config';
import { InvalidConfigError, validateConfig } from './config/env.validation';
import { enableGracefulShutdown } from './lifecycle/enable-graceful-shutdown';
import { applyRuntimeTuning } from './lifecycle/runtime-tuning';
import { shutdownConfig } from './lifecycle/shutdown.config';

async function bootstrap(): Promise<void> {
  // `.env` is merged into process.env by ConfigModule.forRoot; validate what the app will see.
  await ConfigModule.envVariablesLoaded;
  validateConfig([...configNamespaces, shutdownConfig]);
  // Before the app allocates anything on the request path (see runtime-tuning.ts).
  applyRuntimeTuning();
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, createFastifyAdapter(), APP_OPTIONS);
  // Before configureApp: SIGTERM/SIGINT drain and exit 0 rather than take Nest's default handling.
  enableGracefulShutdown(app);
  configureApp(app);
  const config = app.get(ConfigService<AllConfig, true>);
  const { port, host } = config.get('app', { infer: true });
  await app.listen(port, host);
}

/** Why start-up failed, for stderr: one line for what an operator can fix, else the stack to debug. */
function startupFailure(error: unknown): string {
  if (error instanceof InvalidConfigError) return error.message;
  const { code, syscall, address, port } = error as NodeJS.ErrnoException & { address?: string; port?: number };
  if (syscall === 'listen' && code && code in LISTEN_FAILURES) {
    return `Cannot listen on ${address}:${port}: ${LISTEN_FAILURES[code]} (set PORT or HOST)`;
  }
  return `Failed to start: ${error instanceof Error ? error.stack : String(error)}`;
}

const LISTEN_FAILURES: Record<string, string> = {
  EADDRINUSE: 'the port is already in use',
  EACCES: 'permission denied (ports below 1024 need privileges)',
  EADDRNOTAVAIL: 'HOST is not an address of this machine',
};

bootstrap().catch((error: unknown) => {
  // Written straight to stderr: the logger may not exist yet.
  process.stderr.write(`${startupFailure(error)}\n`);
  process.exit(1);
});
