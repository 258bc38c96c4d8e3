import jwt from 'jsonwebtoken';
import { DEVELOPMENT_JWT_SECRET } from '../../src/config/jwt.config';

export interface TokenClaims {
  sub?: string;
  email?: string;
  permissions?: unknown;
  scope?: string;
  [claim: string]: unknown;
}

/** An HS256 token signed with the development secret (what the app uses when no key is set). */
export function devToken(claims: TokenClaims = {}, options: jwt.SignOptions = {}): string {
  return jwt.sign({ sub: 'alice', ...claims }, DEVELOPMENT_JWT_SECRET, { algorithm: 'HS256', expiresIn: 3600, ...options });
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
