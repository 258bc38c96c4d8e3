import type { ConfigModuleOptions } from '@nestjs/config';
export * from './app.config';
export * from './config.types';
export * from './demo.config';
export * from './env.validation';
export * from './jwt.config';
export * from './redis.config';
export * from './tickets.config';
export * from './ws.config';

import { appConfig } from './app.config';
import { demoConfig } from './demo.config';
import { jwtConfig } from './jwt.config';
import { redisConfig } from './redis.config';
import { ticketsConfig } from './tickets.config';
import { wsConfig } from './ws.config';

/** All namespaces, in the order they are validated at boot. */
export const configNamespaces = [appConfig, jwtConfig, redisConfig, ticketsConfig, wsConfig, demoConfig];

/**
 * The options of the app's one `ConfigModule.forRoot`: it reads `.env` from the working
 * directory (variables already set win). Scripts that read configuration call it too, so they
 * see the settings the app sees.
 */
export const configModuleOptions: ConfigModuleOptions = { isGlobal: true, cache: true, load: configNamespaces };
