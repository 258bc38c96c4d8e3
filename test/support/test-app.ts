import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { randomBytes } from 'node:crypto';
import { AppModule } from '../../src/app.module';
import { APP_OPTIONS, configureApp, createFastifyAdapter } from '../../src/app.setup';

export type Env = Record<string, string | undefined>;

/** A key prefix no other test file or run shares, so suites never see each other's keys. */
export function uniquePrefix(name: string): string {
  return `test:${name}:${randomBytes(4).toString('hex')}:`;
}

export const LOCAL_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Runs `fn` with `env` applied to process.env, restoring every touched variable afterwards. */
export async function withEnv<T>(env: Env, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  try {
    return await fn();
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

/**
 * The real AppModule on Fastify, configured exactly as `main.ts` does, with `env` as its
 * environment (config is read while the module compiles). Callers must `close()` it.
 */
export async function createTestApp(env: Env = {}): Promise<NestFastifyApplication> {
  return withEnv({ REDIS_URL: undefined, ...env }, async () => {
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    const app = moduleRef.createNestApplication<NestFastifyApplication>(createFastifyAdapter(), APP_OPTIONS);
    configureApp(app);
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    return app;
  });
}

/** The environment of an app on the shared local Redis under a fresh key prefix. */
export function redisEnv(name: string): Env {
  return { REDIS_URL: LOCAL_REDIS_URL, REDIS_KEY_PREFIX: uniquePrefix(name) };
}
