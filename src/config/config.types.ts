import type { AppConfig } from './app.config';
import type { DemoConfig } from './demo.config';
import type { JwtConfig } from './jwt.config';
import type { RedisConfig } from './redis.config';
import type { TicketsConfig } from './tickets.config';
import type { WsConfig } from './ws.config';

/** Every config namespace, for `ConfigService<AllConfig, true>` typed access. */
export interface AllConfig {
  app: AppConfig;
  jwt: JwtConfig;
  redis: RedisConfig;
  tickets: TicketsConfig;
  ws: WsConfig;
  demo: DemoConfig;
}
