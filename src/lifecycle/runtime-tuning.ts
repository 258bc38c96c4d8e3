import { setFlagsFromString } from 'node:v8';

/**
 * V8 flags the service sets for itself, unless the command line already names them (so
 * `node --allocation-site-pretenuring dist/main.js` still wins). V8 only accepts these on the
 * command line, not in `NODE_OPTIONS`, so the service sets them at start-up rather than relying
 * on every launcher (Docker, systemd, `npm run start:prod`) to pass them.
 *
 * `--no-allocation-site-pretenuring`: V8 watches which allocation sites produce objects that
 * survive a young-generation GC and starts allocating those directly in the old generation.
 * Under request load that decision goes wrong here: per-request objects get allocated old, die
 * a millisecond later, and keep the young objects they point to alive through every scavenge
 * until the next full GC. At a paced 1,000 generates/s it halves the bytes promoted per scavenge
 * (0.7 MB instead of 1.45) and brings p99 latency to 2.6–3.6 ms from 6.6–9.7 (p99.9 4–6 ms from
 * 24–32); in `npm run bench:pair` at 1,500/s it costs about 10% less CPU per generate and per
 * validate (still 7.9% per generate after Redis write batching). README, "Benchmarks and
 * performance", has the runs.
 */
export const RUNTIME_V8_FLAGS = ['--no-allocation-site-pretenuring'] as const;

/** The flag's name without `--` or `--no-`, e.g. `allocation-site-pretenuring`. */
const flagName = (flag: string) => flag.replace(/^--(no-)?/, '').replace(/_/g, '-').split('=')[0];

/** Applies `RUNTIME_V8_FLAGS` that `execArgv` does not already set either way; returns those applied. */
export function applyRuntimeTuning(execArgv: readonly string[] = process.execArgv): string[] {
  const named = new Set(execArgv.filter((argument) => argument.startsWith('--')).map(flagName));
  const applied = RUNTIME_V8_FLAGS.filter((flag) => !named.has(flagName(flag)));
  for (const flag of applied) setFlagsFromString(flag);
  return applied;
}
