import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The browser client's bundle inside the assets directory (see src/client/build/build-public-assets.ts). */
export const CLIENT_BUNDLE_FILE = 'client/ticketgate-client.js';

/**
 * Where the built browser assets are: `dist/public` beside the compiled code when it exists
 * (`npm run build`, the container image), else `public/` at the project root (what
 * `npm run build:client` writes, before `npm start` and the tests).
 */
export function publicAssetsDir(moduleDir: string = __dirname): string {
  const besideCode = resolve(moduleDir, '..', 'public');
  return existsSync(besideCode) ? besideCode : resolve(moduleDir, '..', '..', 'public');
}

/**
 * Makes `reply.sendFile(path)` serve files of the assets directory, with ETag, Last-Modified
 * and the right Content-Type; a missing file answers the app's usual 404. Registers no route
 * itself (`serve: false`): the controllers name every file they serve.
 */
@Injectable()
export class PublicAssets implements OnModuleInit {
  private readonly logger = new Logger(PublicAssets.name);
  readonly dir = publicAssetsDir();

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    void fastify.register(fastifyStatic, { root: this.dir, serve: false });
    if (!existsSync(join(this.dir, CLIENT_BUNDLE_FILE))) {
      this.logger.warn(`The browser client is not built (${join(this.dir, CLIENT_BUNDLE_FILE)} is missing): /client/ticketgate-client.js and /demo answer 404 until \`npm run build:client\` runs`);
    }
  }
}
