import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { LoggerModule } from 'nestjs-pino';
import pino from 'pino';
import type { AllConfig } from '../config';
import { pinoHttpOptions } from './pino-options';

/** JSON-lines logging through nestjs-pino, one line per request, secrets never included. */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService<AllConfig, true>) => ({
        // Asynchronous stdout: lines written while a write is in flight go out together, instead
        // of one blocking write(2) per line (pino flushes it on exit).
        pinoHttp: [pinoHttpOptions(config.get('app.logLevel', { infer: true })), pino.destination({ dest: 1, sync: false })],
        // Request lines come from a Fastify hook (registerRequestLogging), not the middleware.
        forRoutes: [],
      }),
    }),
  ],
})
export class LoggingModule {}
