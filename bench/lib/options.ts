import { parseArgs } from 'node:util';

/** Every figure the harness can measure, in the order it runs them. */
export const FIGURES = ['redis', 'generate', 'validate', 'latency', 'handshake', 'rss'] as const;
export type Figure = (typeof FIGURES)[number];

export interface BenchOptions {
  mode: 'full' | 'quick' | 'custom';
  /** Seconds of each measured window. */
  duration: number;
  /** Seconds of warm-up before each measured window (not measured). */
  warmup: number;
  /** Concurrent HTTP connections for generate/validate, concurrent handshakes for the handshake figure. */
  connections: number;
  /** Idle authenticated sockets held open for the RSS figure. */
  sockets: number;
  /** Generates per second of the latency figure (open loop). */
  rate: number;
  /** Distinct JWT subjects the generate requests rotate through. */
  users: number;
  /** Operations per target in the Redis-commands figure. */
  commandSamples: number;
  /** Socket.IO client processes the socket figures spread over. */
  clientProcesses: number;
  only: Figure[];
  out: string;
  logLevel: string;
  build: boolean;
  /** The app's entry point: `dist/main.js` (production build), or a `.ts` file run through SWC (tests only). */
  appEntry: string;
  /** Run the app and the baselines with `--cpu-prof`, profiles written to bench/profiles/<label>.cpuprofile. */
  cpuProfile: boolean;
  /** Extra Node.js options for the app (not the baselines), e.g. `--max-semi-space-size=64`. */
  nodeOptions: string[];
  /** Times the CPU-ratio figures (generate, validate, handshake) run, app and baseline alternating; the median ratio is reported. */
  rounds: number;
}

const FULL = { duration: 10, warmup: 3, sockets: 10_000 };
const QUICK = { duration: 2, warmup: 1, sockets: 2_000 };

export const USAGE = `Usage: npm run bench -- [flags]

  --quick               short windows (2 s, 2,000 sockets): the whole run takes under a minute
  --duration=SECONDS    length of each measured window (default 10, quick 2)
  --warmup=SECONDS      warm-up before each window, not measured (default 3, quick 1)
  --connections=N       HTTP connections / concurrent handshakes (default 50)
  --sockets=N           idle authenticated sockets for the RSS figure (default 10000, quick 2000)
  --rate=N              generates per second of the latency figure (default 1000)
  --users=N             distinct JWT subjects generate rotates through (default 5000)
  --only=LIST           comma-separated subset of ${FIGURES.join(',')}
  --out=PATH            where to write the JSON results (default bench/results.json)
  --log-level=LEVEL     LOG_LEVEL of the app (default info, the production default)
  --client-processes=N  Socket.IO client processes (default 2)
  --no-build            use the existing dist/ instead of running npm run build
  --app-entry=PATH      app entry point (default dist/main.js; a .ts file runs through SWC, for tests)
  --cpu-prof            profile the app and the baselines (node --cpu-prof) into bench/profiles/
  --node-options="..."  extra Node.js options for the app only, to try runtime tuning
  --rounds=N            run generate, validate and handshake N times, app and baseline windows
                        alternating, and report each ratio's median (default 1; 3 on a noisy machine)
  --help`;

/** A flag's value as a positive number (`fallback` when absent); throws a message fit for the user. */
export function positiveNumber(name: string, value: string | undefined, fallback: number, integer = true): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0 || (integer && !Number.isInteger(parsed))) {
    throw new Error(`--${name} must be a positive ${integer ? 'whole ' : ''}number, got ${JSON.stringify(value)}`);
  }
  return parsed;
}

/** Parses the command line; throws an Error whose message is fit for the user. */
export function parseOptions(argv: string[]): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      quick: { type: 'boolean' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      sockets: { type: 'string' },
      rate: { type: 'string' },
      users: { type: 'string' },
      'command-samples': { type: 'string' },
      'client-processes': { type: 'string' },
      only: { type: 'string' },
      out: { type: 'string' },
      'log-level': { type: 'string' },
      'no-build': { type: 'boolean' },
      'app-entry': { type: 'string' },
      'cpu-prof': { type: 'boolean' },
      'node-options': { type: 'string' },
      rounds: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) return 'help';
  const defaults = values.quick ? QUICK : FULL;
  const only = values.only === undefined ? [...FIGURES] : values.only.split(',').map((name) => name.trim()).filter(Boolean);
  const unknown = only.filter((name) => !(FIGURES as readonly string[]).includes(name));
  if (unknown.length > 0 || only.length === 0) {
    throw new Error(`--only takes a comma-separated list of ${FIGURES.join(', ')}; got ${JSON.stringify(values.only)}`);
  }
  const tuned = ['duration', 'warmup', 'sockets'].some((name) => values[name as keyof typeof values] !== undefined);
  const appEntry = values['app-entry'] ?? 'dist/main.js';
  return {
    mode: tuned ? 'custom' : values.quick ? 'quick' : 'full',
    duration: positiveNumber('duration', values.duration, defaults.duration, false),
    warmup: positiveNumber('warmup', values.warmup, defaults.warmup, false),
    connections: positiveNumber('connections', values.connections, 50),
    sockets: positiveNumber('sockets', values.sockets, defaults.sockets),
    rate: positiveNumber('rate', values.rate, 1_000),
    users: positiveNumber('users', values.users, 5_000),
    commandSamples: positiveNumber('command-samples', values['command-samples'], 200),
    clientProcesses: positiveNumber('client-processes', values['client-processes'], 2),
    only: FIGURES.filter((figure) => only.includes(figure)),
    out: values.out ?? 'bench/results.json',
    logLevel: values['log-level'] ?? 'info',
    build: !values['no-build'] && !appEntry.endsWith('.ts'),
    appEntry,
    cpuProfile: values['cpu-prof'] ?? false,
    nodeOptions: (values['node-options'] ?? '').split(/\s+/).filter(Boolean),
    rounds: positiveNumber('rounds', values.rounds, 1),
  };
}
