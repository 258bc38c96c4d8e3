import { registerAs } from '@nestjs/config';
import { IsInt, IsOptional, IsString, IsUrl, Max, Min, MinLength } from 'class-validator';
import { createPublicKey } from 'node:crypto';
import { InvalidConfigError, splitList, validateEnv } from './env.validation';

/** Used only outside production when no key is configured; start-up logs a warning. */
export const DEVELOPMENT_JWT_SECRET = 'ticketgate-development-secret-not-for-production';

class JwtEnv {
  @IsOptional() @IsString() @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters' })
  JWT_SECRET?: string;

  @IsOptional() @IsString()
  JWT_PUBLIC_KEY?: string;

  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'], allow_underscores: true }, { message: 'JWKS_URI must be an http(s) URL' })
  JWKS_URI?: string;

  @IsInt() @Min(1) @Max(86_400)
  JWKS_CACHE_MAX_AGE_SECONDS: number = 600;

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
  /** How long a key fetched from the JWKS is used before the JWKS is asked again. */
  jwksCacheMaxAgeMs: number;
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
  const publicKey = env.JWT_PUBLIC_KEY?.replace(/\\n/g, '\n');
  const problems = [
    ...(publicKey ? publicKeyProblems(publicKey) : []),
    ...(env.JWKS_URI && production && !isSafeJwksTransport(env.JWKS_URI) ? ['JWKS_URI must use https when NODE_ENV=production (plain http only to localhost)'] : []),
  ];
  // The value is never quoted: it may be a private key.
  if (problems.length > 0) throw new InvalidConfigError(problems);
  const audience = splitList(env.JWT_AUDIENCE);
  return {
    secret: hasKey ? env.JWT_SECRET : DEVELOPMENT_JWT_SECRET,
    publicKey,
    jwksUri: env.JWKS_URI,
    jwksCacheMaxAgeMs: env.JWKS_CACHE_MAX_AGE_SECONDS * 1_000,
    issuer: env.JWT_ISSUER,
    audience: audience.length > 0 ? audience : undefined,
    usingDevelopmentSecret: !hasKey,
    verifyCacheSize: env.JWT_VERIFY_CACHE_SIZE,
  };
});

/** Why `JWT_PUBLIC_KEY` cannot serve as the verifier's public key, if it cannot. */
function publicKeyProblems(pem: string): string[] {
  // Node would derive the public half of a private key; refuse instead, so the private key
  // goes back to the identity provider rather than stay in this service's configuration.
  if (/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/.test(pem)) {
    return ['JWT_PUBLIC_KEY holds a private key; configure only its public key'];
  }
  try {
    createPublicKey(pem);
    return [];
  } catch {
    return ['JWT_PUBLIC_KEY is not a valid PEM public key'];
  }
}

/**
 * Plain http to the JWKS lets anyone on the path hand the service keys of their own, so in
 * production only https is accepted, or http to this host (a sidecar).
 */
function isSafeJwksTransport(uri: string): boolean {
  const { protocol, hostname } = new URL(uri);
  return protocol === 'https:' || hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
}
