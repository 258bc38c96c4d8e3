import 'reflect-metadata';
import { ConfigModule } from '@nestjs/config';
import jwt from 'jsonwebtoken';
import { parseArgs } from 'node:util';
import { createSecretKey } from 'node:crypto';
import { configModuleOptions, jwtConfig } from '../config';

const USAGE = `Usage: npm run token -- --sub USER [--email EMAIL] [--permissions a,b] [--ttl SECONDS]

Prints a JWT signed with the configured JWT_SECRET (or the development secret when no key is
configured), read from the environment and .env as the app reads them. Refused when only
JWT_PUBLIC_KEY or JWKS_URI is configured: sign with your IdP then.`;

function fail(message: string): never {
  process.stderr.write(`${message}\n\n${USAGE}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        sub: { type: 'string' },
        email: { type: 'string' },
        permissions: { type: 'string' },
        ttl: { type: 'string' },
        help: { type: 'boolean' },
      },
      strict: true,
    }));
  } catch (error) {
    fail((error as Error).message);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (!values.sub) fail('--sub is required');
  const ttl = values.ttl === undefined ? 3600 : Number(values.ttl);
  if (!Number.isInteger(ttl) || ttl <= 0) fail('--ttl must be a positive whole number of seconds');

  let config;
  try {
    // Loads .env exactly as the app does, so the token verifies against `npm run start:dev`.
    await ConfigModule.forRoot(configModuleOptions);
    config = jwtConfig();
  } catch (error) {
    fail((error as Error).message);
  }
  if (!config.secret) fail('Refusing to sign: only a public key (JWT_PUBLIC_KEY or JWKS_URI) is configured; tokens come from your identity provider.');
  if (config.usingDevelopmentSecret) process.stderr.write('warning: signing with the built-in development secret\n');

  const permissions = (values.permissions ?? '').split(',').map((p) => p.trim()).filter(Boolean);
  const token = jwt.sign(
    { ...(values.email ? { email: values.email } : {}), permissions },
    createSecretKey(Buffer.from(config.secret, 'utf8')),
    {
      algorithm: 'HS256',
      subject: values.sub,
      expiresIn: ttl,
      ...(config.issuer ? { issuer: config.issuer } : {}),
      ...(config.audience ? { audience: config.audience } : {}),
    },
  );
  process.stdout.write(`${token}\n`);
}

void main();
