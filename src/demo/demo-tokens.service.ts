import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import jwt from 'jsonwebtoken';
import { createSecretKey } from 'node:crypto';
import type { AllConfig } from '../config';
import type { DemoTokenReply } from './dto/demo-token.dto';

/** Demo tokens live long enough to try things, short enough to see a refresh in one sitting. */
export const DEMO_TOKEN_TTL_SECONDS = 15 * 60;
export const DEMO_TOKEN_PERMISSIONS = ['chat:read', 'chat:write'];

/**
 * JWTs for the demo page's "Get a development token" button, signed with the built-in
 * development secret. Available only when the demo is enabled and that secret is in use, which
 * never happens in production (a key is required there, CONTRACT §1); anywhere else the route
 * does not exist.
 */
@Injectable()
export class DemoTokens {
  constructor(private readonly config: ConfigService<AllConfig, true>) {}

  get available(): boolean {
    const jwtSettings = this.config.get('jwt', { infer: true });
    return (
      this.config.get('demo.enabled', { infer: true }) &&
      !this.config.get('app.isProduction', { infer: true }) &&
      jwtSettings.usingDevelopmentSecret &&
      jwtSettings.secret !== undefined
    );
  }

  issue(sub: string): DemoTokenReply {
    const { secret, issuer, audience } = this.config.get('jwt', { infer: true });
    const expiresAt = Math.floor(Date.now() / 1000) + DEMO_TOKEN_TTL_SECONDS;
    const token = jwt.sign({ permissions: DEMO_TOKEN_PERMISSIONS, exp: expiresAt }, createSecretKey(Buffer.from(secret!, 'utf8')), {
      algorithm: 'HS256',
      subject: sub,
      ...(issuer ? { issuer } : {}),
      ...(audience ? { audience } : {}),
    });
    return { token, expiresAt: new Date(expiresAt * 1000).toISOString() };
  }
}
