import { createSecretKey, randomBytes } from 'node:crypto';
import jwt from 'jsonwebtoken';

/** Permissions of the users that generate tickets. */
export const USER_PERMISSIONS = ['chat:read', 'chat:write'];
export const VALIDATE_PERMISSION = 'tickets:validate';

/** JWTs for one run: a fresh random HS256 secret (never printed), many users, one backend service. */
export interface BenchTokens {
  secret: string;
  /** One token per user (`bench-user-00001`, …), rotated over generate requests. */
  users: string[];
  /** A service token holding `tickets:validate`. */
  validator: string;
}

export function createTokens(userCount: number): BenchTokens {
  const secret = randomBytes(36).toString('base64url');
  const key = createSecretKey(Buffer.from(secret, 'utf8'));
  const sign = (subject: string, permissions: string[]) =>
    jwt.sign({ permissions }, key, { algorithm: 'HS256', subject, expiresIn: 3_600 });
  const width = String(userCount).length;
  const users = Array.from({ length: userCount }, (_, index) => sign(`bench-user-${String(index + 1).padStart(width, '0')}`, USER_PERMISSIONS));
  return { secret, users, validator: sign('bench-validator', [VALIDATE_PERMISSION]) };
}

/** Hands out the user tokens round-robin, across every run of the harness. */
export class TokenRotation {
  private next = 0;

  constructor(private readonly tokens: string[]) {}

  take(): string {
    const token = this.tokens[this.next];
    this.next = (this.next + 1) % this.tokens.length;
    return token;
  }
}
