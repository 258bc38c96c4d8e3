import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ForbiddenException } from '../common/errors';
import type { AuthenticatedUser } from './authenticated-user';
import { missingPermissions, REQUIRED_PERMISSIONS } from './permissions.decorator';

/** HTTP: 403 naming the missing permissions. Runs after `JwtAuthGuard`. */
@Injectable()
export class PermissionsGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const required = this.reflector.getAllAndOverride<string[] | undefined>(REQUIRED_PERMISSIONS, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!required?.length) return true;
    const user = context.switchToHttp().getRequest<{ user: AuthenticatedUser }>().user;
    const missing = missingPermissions(required, user.permissions);
    if (missing.length > 0) throw new ForbiddenException(`Missing permission: ${missing.join(', ')}`);
    return true;
  }
}
