import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';

/** Thrown at boot when a setting is missing or malformed; its message names every bad setting. */
export class InvalidConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid environment variables: ${problems.join('; ')}`);
    this.name = 'InvalidConfigError';
  }
}

const DECIMAL_DIGITS = /^\d+$/;

/** Settings whose values are never repeated in an error message. */
const SECRET_SETTING = /(SECRET|PASSWORD)$/;

/** A setting's value as the operator wrote it, for an error message: secrets hidden, URL credentials masked. */
function shown(name: string, raw: string | undefined): string {
  if (raw !== undefined && SECRET_SETTING.test(name)) return '(hidden)';
  return JSON.stringify((raw ?? '').replace(/\/\/[^/@]*@/, '//***@'));
}

function describe(errors: ValidationError[], env: Record<string, string | undefined>): string[] {
  return errors.map((error) => {
    const reasons = [...new Set(Object.values(error.constraints ?? {}))].join(', ');
    return `${error.property}=${shown(error.property, env[error.property])} (${reasons})`;
  });
}

/**
 * Validates the process environment against one namespace's env class and returns it typed.
 * Empty strings count as unset, so `FOO=` in a compose file falls back to the default.
 */
export function validateEnv<T extends object>(cls: new () => T, env: NodeJS.ProcessEnv = process.env): T {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== '')) as Record<string, string>;
  const instance = plainToInstance(cls, present, { enableImplicitConversion: true, exposeDefaultValues: true });
  // Implicit conversion is Number(), which also reads `0x10`, `1e2`, `60.0` or ` 60` as numbers.
  // Every numeric setting is a whole number written in decimal digits; anything else fails as NaN.
  const fields = instance as Record<string, unknown>;
  for (const [name, raw] of Object.entries(present)) {
    if (typeof fields[name] === 'number' && !DECIMAL_DIGITS.test(raw)) fields[name] = Number.NaN;
  }
  const errors = validateSync(instance, { skipMissingProperties: false, whitelist: false });
  if (errors.length > 0) throw new InvalidConfigError(describe(errors, present));
  return instance;
}

/**
 * Runs every namespace's validation and throws one `InvalidConfigError` naming every bad setting
 * across them. `main.ts` calls it before Nest starts: a factory that fails inside Nest is first
 * logged with its stack trace by Nest's `ExceptionHandler`, which buries the one line that matters.
 */
export function validateConfig(loaders: ReadonlyArray<() => unknown>): void {
  const problems = loaders.flatMap((load) => {
    try {
      load();
      return [];
    } catch (error) {
      if (error instanceof InvalidConfigError) return error.problems;
      throw error;
    }
  });
  if (problems.length > 0) throw new InvalidConfigError(problems);
}

/** Splits a comma-separated setting into trimmed, non-empty entries. */
export function splitList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
}

/**
 * A comma-separated list of origins, normalised as browsers send them: scheme://host[:port], lower
 * case, default port and a bare trailing slash dropped. Anything else (a path, no scheme) could
 * never match a browser's `Origin` and would silently refuse every request, so it stops start-up.
 */
export function parseOrigins(setting: string, value: string | undefined): string[] {
  return splitList(value).map((entry) => {
    const url = URL.canParse(entry) ? new URL(entry) : undefined;
    const isOrigin =
      url !== undefined &&
      (url.protocol === 'https:' || url.protocol === 'http:') &&
      url.pathname === '/' && !url.search && !url.hash && !url.username && !url.password;
    if (!isOrigin) {
      throw new InvalidConfigError([
        `${setting}=${JSON.stringify(value)} ("${entry}" is not an origin: scheme://host[:port] with no path, such as https://app.example.com)`,
      ]);
    }
    return url.origin;
  });
}
