import { SetMetadata } from '@nestjs/common';

export const REQUIRED_PERMISSIONS = 'ticketgate:required-permissions';

/** The caller must hold every listed permission (HTTP routes and socket events alike). */
export const RequirePermissions = (...permissions: string[]) => SetMetadata(REQUIRED_PERMISSIONS, permissions);

/** Permissions that are missing from `granted`. */
export function missingPermissions(required: readonly string[], granted: readonly string[]): string[] {
  return required.filter((permission) => !granted.includes(permission));
}
