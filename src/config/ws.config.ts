import { registerAs } from '@nestjs/config';
import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { InvalidConfigError, parseOrigins, splitList, validateEnv } from './env.validation';

/** Every handshake authentication method CONTRACT §4 defines. */
export const WS_AUTH_METHOD_NAMES = ['ticket', 'jwt', 'header', 'subprotocol', 'query'] as const;
export type WsAuthMethod = (typeof WS_AUTH_METHOD_NAMES)[number];

/** `query` puts a JWT in the URL (and so in access logs), hence it is off unless asked for. */
export const DEFAULT_WS_AUTH_METHODS = 'ticket,jwt,header,subprotocol';

class WsEnv {
  @IsString()
  WS_AUTH_METHODS: string = DEFAULT_WS_AUTH_METHODS;

  @IsOptional() @IsString()
  WS_ALLOWED_ORIGINS?: string;

  @IsInt() @Min(1) @Max(100_000)
  WS_FAILED_HANDSHAKES_PER_MINUTE: number = 30;
}

export interface WsConfig {
  /** Methods tried at the handshake, in this order. */
  authMethods: WsAuthMethod[];
  /** Origins a browser handshake may come from; empty means any. */
  allowedOrigins: string[];
  failedHandshakesPerMinute: number;
}

function parseMethods(value: string): WsAuthMethod[] {
  const names = splitList(value).map((name) => name.toLowerCase());
  const unknown = names.filter((name) => !(WS_AUTH_METHOD_NAMES as readonly string[]).includes(name));
  if (unknown.length > 0 || names.length === 0) {
    throw new InvalidConfigError([
      `WS_AUTH_METHODS=${JSON.stringify(value)} (${unknown.length > 0 ? `unknown method ${unknown.map((name) => `"${name}"`).join(', ')}` : 'no method listed'}; use a comma-separated list of ${WS_AUTH_METHOD_NAMES.join(', ')})`,
    ]);
  }
  return [...new Set(names)] as WsAuthMethod[];
}

export const wsConfig = registerAs('ws', (): WsConfig => {
  const env = validateEnv(WsEnv);
  return {
    authMethods: parseMethods(env.WS_AUTH_METHODS),
    allowedOrigins: parseOrigins('WS_ALLOWED_ORIGINS', env.WS_ALLOWED_ORIGINS),
    failedHandshakesPerMinute: env.WS_FAILED_HANDSHAKES_PER_MINUTE,
  };
});
