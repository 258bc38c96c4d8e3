import { registerAs } from '@nestjs/config';
import { IsInt, IsOptional, IsString, IsUrl, Max, Min, MinLength } from 'class-validator';
import { InvalidConfigError, splitList, validateEnv } from './env.validation';

/** Used only outside production when no key is configured; start-up logs a warning. */
export const DEVELOPMENT_JWT_SECRET = 'ticketgate-development-secret-not-for-production';

class JwtEnv {
  @IsOptional() @IsString() @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters' })
  JWT_SECRET?: string;

  @IsOptional() @IsString()
  JWT_PUBLIC_KEY?: string;

  @IsOptional() @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  JWKS_URI?: string;

  @IsOptional() @IsString()
  JWT_ISSUER?: string;

  @IsOptional() @IsString()
  JWT_AUDIENCE?: string;

  @IsInt() @Min(0) @Max(100_000)
  JWT_VERIFY_CACHE_SIZE: number = 1_000;
}

export interface JwtConfig {
  secret?: string;
  /** PEM text; `\n` escapes (common in env files) are turned into newlines. */
  publicKey?: string;
  jwksUri?: string;
  issuer?: string;
  audience?: string[];
  /** True when no key was configured and the development secret is in use. */
  usingDevelopmentSecret: boolean;
  /** How many recently verified tokens are remembered (`VerifiedTokenCache`); 0 turns it off. */
  verifyCacheSize: number;
}

export const jwtConfig = registerAs('jwt', (): JwtConfig => {
  const env = validateEnv(JwtEnv);
  const production = process.env.NODE_ENV === 'production';
  const hasKey = Boolean(env.JWT_SECRET || env.JWT_PUBLIC_KEY || env.JWKS_URI);
  if (!hasKey && production) {
    throw new InvalidConfigError([
      'JWT_SECRET, JWT_PUBLIC_KEY or JWKS_URI is required when NODE_ENV=production',
    ]);
  }
  const audience = splitList(env.JWT_AUDIENCE);
  return {
    secret: hasKey ? env.JWT_SECRET : DEVELOPMENT_JWT_SECRET,
    publicKey: env.JWT_PUBLIC_KEY?.replace(/\\n/g, '\n'),
    jwksUri: env.JWKS_URI,
    issuer: env.JWT_ISSUER,
    audience: audience.length > 0 ? audience : undefined,
    usingDevelopmentSecret: !hasKey,
    verifyCacheSize: env.JWT_VERIFY_CACHE_SIZE,
  };
});
