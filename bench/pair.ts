/**
 * `npm run bench:pair -- --b=<entry>`: a paired A/B of two builds of the app. Both run at once,
 * on one Redis, under the same paced load, so the machine's drift (±10–20% within minutes on a
 * shared VM, more than most changes are worth) hits both alike and cancels in their ratio.
 * Prints server CPU per operation of each build, round by round, and the ratio B/A.
 *
 * The main benchmark (`npm run bench`) holds the app to its baselines; this answers a narrower
 * question: is build B cheaper than build A, and by how much.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BenchRedis } from './lib/bench-redis';
import { generateRequest, validateRequest } from './lib/context';
import { openWindow } from './lib/cpu-window';
import { runLoad } from './lib/http-load';
import { positiveNumber } from './lib/options';
import { runPaced } from './lib/paced-load';
import { ProcessRegistry } from './lib/processes';
import { round } from './lib/results';
import { ServerHandle, startApp } from './lib/servers';
import { SocketClients } from './lib/socket-clients';
import { ticketIn } from './lib/ticket-pool';
import { createTokens, TokenRotation } from './lib/tokens';

const PAIR_FIGURES = ['generate', 'validate', 'handshake'] as const;
type PairFigure = (typeof PAIR_FIGURES)[number];

/** Operations per second each build gets by default: well below saturation with both running. */
const DEFAULT_RATES: Record<PairFigure, number> = { generate: 1_500, validate: 1_500, handshake: 400 };
/** Closed-loop validate: tickets generated up front per build, per second of the run. */
const CLOSED_LOOP_VALIDATE_RATE = 8_000;

export const PAIR_USAGE = `Usage: npm run bench:pair -- --b=ENTRY [flags]   (run npm run build first)

  --a=ENTRY          build A's entry point (default dist/main.js)
  --b=ENTRY          build B's entry point, e.g. a patched copy of dist/ (required; may be A's,
                     to compare Node.js options alone)
  --a-node-options="..."  extra Node.js options for build A (e.g. --max-semi-space-size=32)
  --b-node-options="..."  extra Node.js options for build B
  --figure=NAME      ${PAIR_FIGURES.join(' | ')} (default handshake)
  --rate=N           operations per second, each build (default generate/validate ${DEFAULT_RATES.generate}, handshake ${DEFAULT_RATES.handshake})
  --connections=N    generate/validate only: closed loop instead of paced, each build sending
                     as fast as it answers over N connections (saturated, as in npm run bench).
                     --rate is then only the most validates per second each build is given
                     tickets for (default ${CLOSED_LOOP_VALIDATE_RATE}); running out counts as failures
  --duration=SECONDS length of each measured round (default 5)
  --warmup=SECONDS   unmeasured warm-up before the first round (default 2)
  --rounds=N         measured rounds (default 5)
  --log-level=LEVEL  LOG_LEVEL of both builds (default info)
  --help`;

export interface PairOptions {
  a: string;
  b: string;
  figure: PairFigure;
  rate: number;
  /** Closed loop at this many connections per build instead of a paced rate (generate/validate). */
  connections?: number;
  duration: number;
  warmup: number;
  rounds: number;
  logLevel: string;
  /** Extra Node.js options of each build. */
  nodeArgs: { a: string[]; b: string[] };
}

const nodeArgsFrom = (value: string | undefined) => (value ?? '').split(/\s+/).filter(Boolean);

export function parsePairOptions(argv: string[]): PairOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      a: { type: 'string' },
      b: { type: 'string' },
      figure: { type: 'string' },
      rate: { type: 'string' },
      connections: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      rounds: { type: 'string' },
      'log-level': { type: 'string' },
      'a-node-options': { type: 'string' },
      'b-node-options': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) return 'help';
  if (!values.b) throw new Error('--b=ENTRY is required: the build to compare with --a (default dist/main.js)');
  const figure = (values.figure ?? 'handshake') as PairFigure;
  if (!PAIR_FIGURES.includes(figure)) throw new Error(`--figure must be one of ${PAIR_FIGURES.join(', ')}, got ${JSON.stringify(values.figure)}`);
  if (values.connections !== undefined && figure === 'handshake') {
    throw new Error('--connections applies to --figure=generate and --figure=validate; handshakes are always paced');
  }
  return {
    a: values.a ?? 'dist/main.js',
    b: values.b,
    figure,
    rate: positiveNumber('rate', values.rate, values.connections !== undefined && figure === 'validate' ? CLOSED_LOOP_VALIDATE_RATE : DEFAULT_RATES[figure], false),
    ...(values.connections !== undefined ? { connections: positiveNumber('connections', values.connections, 50) } : {}),
    duration: positiveNumber('duration', values.duration, 5, false),
    warmup: positiveNumber('warmup', values.warmup, 2, false),
    rounds: positiveNumber('rounds', values.rounds, 5),
    logLevel: values['log-level'] ?? 'info',
    nodeArgs: { a: nodeArgsFrom(values['a-node-options']), b: nodeArgsFrom(values['b-node-options']) },
  };
}

/** One measured round: server CPU µs per successful operation of each build. */
export interface PairRound {
  a: number;
  b: number;
  ratio: number;
  operations: { a: number; b: number };
}

export interface PairResult {
  options: PairOptions;
  rounds: PairRound[];
  /** Total CPU of B over total CPU of A, per operation, across every round. */
  ratio: number;
  /** Rounds in which B used less CPU per operation than A. */
  bCheaperIn: number;
  failures: number;
}

interface Build {
  server: ServerHandle;
  tickets: string[];
  clients?: SocketClients;
}

const progress = (message: string) => process.stderr.write(`[pair] ${message}\n`);

export async function runPair(options: PairOptions, registry: ProcessRegistry, workDir: string): Promise<PairResult> {
  const tokens = createTokens(5_000);
  const rotation = new TokenRotation(tokens.users);
  const redis = await BenchRedis.start(registry, workDir);
  const launch = { workDir, redisUrl: redis.url, jwtSecret: tokens.secret, logLevel: options.logLevel, minOpenFiles: 4_096, nodeArgs: [] };
  const builds: Build[] = [];
  for (const [label, entry] of [['a', options.a], ['b', options.b]] as const) {
    const nodeArgs = options.nodeArgs[label];
    builds.push({ server: await startApp(registry, { ...launch, entry, nodeArgs }, label), tickets: [] });
    progress(`${label}: ${['node', ...nodeArgs, entry].join(' ')} on port ${builds.at(-1)!.server.port}`);
  }

  // Validate and handshake consume a ticket each: every build gets all it will need up front.
  const perBuild = Math.ceil(options.rate * (options.warmup + options.duration * options.rounds) * 1.1) + 100;
  if (options.figure !== 'generate') {
    for (const build of builds) {
      progress(`${build.server.label}: generating ${perBuild} tickets`);
      const filled = await runLoad({
        baseUrl: build.server.baseUrl,
        connections: 50,
        amount: perBuild,
        next: () => generateRequest({ rotation }),
        onResponse: (status, body) => {
          const ticket = status === 201 ? ticketIn(body) : undefined;
          if (ticket) build.tickets.push(ticket);
        },
      });
      if (build.tickets.length < perBuild) {
        throw new Error(`${build.server.label}: only ${build.tickets.length} of ${perBuild} tickets could be generated (status codes ${JSON.stringify(filled.statusCodes)})`);
      }
    }
  }
  if (options.figure === 'handshake') {
    for (const build of builds) build.clients = await SocketClients.start(registry, 1, 4_096);
  }

  let failures = 0;
  /** Drives both builds for `seconds` at the same time; CPU per successful operation of each. */
  const both = async (seconds: number): Promise<{ cpuUs: number; ok: number }[]> =>
    Promise.all(
      builds.map(async (build) => {
        const { server } = build;
        if (options.figure === 'handshake') {
          const tickets = build.tickets.splice(0, Math.ceil(options.rate * seconds * 1.1) + 50);
          const window = { server: server.pid, redis: redis.pid, ours: () => registry.pids };
          const run = await build.clients!.churn(server.baseUrl, tickets, 50, seconds, window, options.rate);
          failures += run.failed;
          return { cpuUs: (run.usage!.serverCpuSeconds * 1e6) / Math.max(1, run.ok), ok: run.ok };
        }
        let ranOut = 0;
        const next = () => {
          if (options.figure === 'generate') return generateRequest({ rotation });
          const ticket = build.tickets.pop();
          if (ticket === undefined) ranOut += 1;
          return validateRequest({ tokens }, ticket ?? 'tkt_ran-out-of-tickets');
        };
        const closeWindow = openWindow({ server: server.pid, redis: redis.pid, clients: [process.pid], ours: () => registry.pids });
        const result = options.connections
          ? await runLoad({ baseUrl: server.baseUrl, connections: options.connections, seconds, next })
          : await runPaced({ baseUrl: server.baseUrl, rate: options.rate, seconds, connections: 50, next });
        const usage = closeWindow();
        if (ranOut > 0) progress(`${server.label}: ran out of tickets for ${ranOut} validates (raise --rate)`);
        failures += result.non2xx + result.errors + ranOut;
        return { cpuUs: (usage.serverCpuSeconds * 1e6) / Math.max(1, result.ok), ok: result.ok };
      }),
    );

  progress(`${options.figure}: warm-up ${options.warmup} s, ${loadOf(options)} each`);
  await both(options.warmup);
  const rounds: PairRound[] = [];
  for (let index = 1; index <= options.rounds; index += 1) {
    const [a, b] = await both(options.duration);
    const measured = { a: round(a.cpuUs), b: round(b.cpuUs), ratio: round(b.cpuUs / a.cpuUs, 3), operations: { a: a.ok, b: b.ok } };
    rounds.push(measured);
    progress(`round ${index} of ${options.rounds}: A ${measured.a} µs, B ${measured.b} µs per ${options.figure}, B/A ${measured.ratio.toFixed(3)}`);
  }
  const total = (side: 'a' | 'b') => rounds.reduce((sum, measured) => sum + measured[side] * measured.operations[side], 0) / rounds.reduce((sum, measured) => sum + measured.operations[side], 0);
  return { options, rounds, ratio: round(total('b') / total('a'), 3), bCheaperIn: rounds.filter((measured) => measured.b < measured.a).length, failures };
}

/** How each build is driven: "closed loop at 50 connections" or "1500/s". */
const loadOf = (options: PairOptions) => (options.connections ? `closed loop at ${options.connections} connections` : `${options.rate}/s`);

export function renderPair(result: PairResult): string {
  const { options } = result;
  const lines = [
    `paired ${options.figure} · ${loadOf(options)} each · ${options.rounds} rounds of ${options.duration} s · LOG_LEVEL=${options.logLevel}`,
    `A: ${[...options.nodeArgs.a, options.a].join(' ')}`,
    `B: ${[...options.nodeArgs.b, options.b].join(' ')}`,
    '',
    'round  A µs/op  B µs/op  B/A',
    ...result.rounds.map((measured, index) => `${String(index + 1).padStart(5)}  ${measured.a.toFixed(1).padStart(7)}  ${measured.b.toFixed(1).padStart(7)}  ${measured.ratio.toFixed(3)}`),
    '',
    `B/A over all rounds: ${result.ratio.toFixed(3)} · B cheaper in ${result.bCheaperIn} of ${result.rounds.length} rounds${result.failures ? ` · ${result.failures} operations failed` : ''}`,
  ];
  return `${lines.join('\n')}\n`;
}

function main(): void {
  let options: PairOptions | 'help';
  try {
    options = parsePairOptions(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${PAIR_USAGE}\n`);
    process.exit(2);
  }
  if (options === 'help') {
    process.stdout.write(`${PAIR_USAGE}\n`);
    return;
  }
  const registry = new ProcessRegistry();
  const workDir = mkdtempSync(join(tmpdir(), 'ticketgate-pair-'));
  const cleanUp = () => registry.stopAll(0).then(() => rmSync(workDir, { recursive: true, force: true }));
  process.on('exit', () => registry.killAllNow());
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, () => void cleanUp().finally(() => process.exit(130)));
  runPair(options, registry, workDir).then(
    (result) => {
      process.stdout.write(renderPair(result));
      return cleanUp().then(() => process.exit(result.failures > 0 ? 1 : 0));
    },
    (error: unknown) => {
      process.stderr.write(`bench:pair failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      void cleanUp().finally(() => process.exit(1));
    },
  );
}

if (require.main === module) main();
