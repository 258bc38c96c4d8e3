import { Module, RequestMethod } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { LoggerModule } from 'nestjs-pino';
import type { AllConfig } from '../config';
import { pinoHttpOptions } from './pino-options';

/** JSON-lines logging through nestjs-pino, one line per request, secrets never included. */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService<AllConfig, true>) => ({
        pinoHttp: pinoHttpOptions(config.get('app.logLevel', { infer: true })),
        forRoutes: [{ path: '*path', method: RequestMethod.ALL }],
      }),
    }),
  ],
})
export class LoggingModule {}
