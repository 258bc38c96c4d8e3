import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { LoggerModule } from 'nestjs-pino';
import type { AllConfig } from '../config';
import { LOG_DESTINATION, LogDestinationModule } from './log-destination.module';
import { pinoHttpOptions } from './pino-options';
import type { TurnBatchedDestination } from './turn-batched-destination';

/** JSON-lines logging through nestjs-pino, one line per request, secrets never included. */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      imports: [LogDestinationModule],
      inject: [ConfigService, LOG_DESTINATION],
      useFactory: (config: ConfigService<AllConfig, true>, destination: TurnBatchedDestination) => ({
        pinoHttp: [pinoHttpOptions(config.get('app.logLevel', { infer: true })), destination],
        // Request lines come from a Fastify hook (registerRequestLogging), not the middleware.
        forRoutes: [],
      }),
    }),
  ],
})
export class LoggingModule {}
