/** The identity a verified JWT carries, as every part of the service sees it. */
export interface AuthenticatedUser {
  userId: string;
  email?: string;
  permissions: string[];
  /** `exp` of the JWT in epoch seconds; null when the token has none. */
  tokenExpiresAt: number | null;
}

export const MAX_SUBJECT_LENGTH = 256;
export const MAX_TOKEN_PERMISSIONS = 256;
/** The latest instant a JavaScript Date can hold, in epoch seconds: a later `exp` cannot be told as a date. */
const MAX_EXP_SECONDS = 8_640_000_000_000;

/**
 * Maps verified claims to a user, or returns a reason the claims are unusable. Permissions come
 * from a `permissions` string array, else from a space-separated `scope` string.
 */
export function userFromClaims(claims: Record<string, unknown>): AuthenticatedUser | string {
  const { sub, email, permissions, scope, exp } = claims;
  if (typeof sub !== 'string' || sub.length === 0) return 'token has no subject (sub)';
  if (sub.length > MAX_SUBJECT_LENGTH) return `token subject exceeds ${MAX_SUBJECT_LENGTH} characters`;
  if (email !== undefined && typeof email !== 'string') return 'token email claim is not a string';
  if (typeof exp === 'number' && !(exp <= MAX_EXP_SECONDS)) return 'token exp claim is beyond any representable date';
  let granted: string[];
  if (permissions !== undefined) {
    if (!Array.isArray(permissions) || !permissions.every((entry) => typeof entry === 'string')) {
      return 'token permissions claim is not an array of strings';
    }
    granted = permissions;
  } else if (typeof scope === 'string') {
    granted = scope.split(' ').filter((entry) => entry.length > 0);
  } else {
    granted = [];
  }
  if (granted.length > MAX_TOKEN_PERMISSIONS) return `token carries more than ${MAX_TOKEN_PERMISSIONS} permissions`;
  return {
    userId: sub,
    ...(email !== undefined ? { email } : {}),
    permissions: [...new Set(granted)],
    tokenExpiresAt: typeof exp === 'number' ? exp : null,
  };
}
