import { CanActivate, Injectable, NotFoundException } from '@nestjs/common';
import { DemoTokens } from './demo-tokens.service';

/**
 * Hides `POST /demo/token` unless the development secret is in use: it then answers exactly as
 * an unknown route does. A guard runs before the validation pipe, so a bad body cannot reveal
 * the route either (a check inside the handler came after validation: 400 instead of 404).
 */
@Injectable()
export class DemoTokensAvailableGuard implements CanActivate {
  constructor(private readonly tokens: DemoTokens) {}

  canActivate(): boolean {
    if (!this.tokens.available) throw new NotFoundException();
    return true;
  }
}
