import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { missingPermissions, REQUIRED_PERMISSIONS } from '../auth/permissions.decorator';
import type { AuthenticatedSocket } from './socket-session';
import { WsAuthException } from './ws-auth.exception';

/**
 * Per-message authorization for socket handlers marked with `@RequirePermissions(...)` (the
 * decorator HTTP routes use). A socket lacking one gets a `FORBIDDEN` error reply from
 * `WsExceptionFilter` and stays connected. Authentication itself happens once, in the
 * handshake middleware: Nest guards do not run on connection (nestjs/nest#882).
 */
@Injectable()
export class WsAuthGuard implements CanActivate {
  constructor(protected readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const socket = context.switchToWs().getClient<AuthenticatedSocket>();
    const granted = socket.data?.user?.permissions;
    // Unreachable through the handshake middleware; refuse rather than trust a bare socket.
    if (!granted) throw new WsAuthException('AUTH_REQUIRED');
    const missing = missingPermissions(this.requiredPermissions(context), granted);
    if (missing.length > 0) throw new WsAuthException('FORBIDDEN', `Missing permission: ${missing.join(', ')}`);
    return true;
  }

  /** Permissions the handler (or its gateway) requires; override to derive them otherwise. */
  protected requiredPermissions(context: ExecutionContext): string[] {
    return this.reflector.getAllAndOverride<string[] | undefined>(REQUIRED_PERMISSIONS, [context.getHandler(), context.getClass()]) ?? [];
  }
}
