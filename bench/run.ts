/**
 * `npm run bench` (issue 7): builds the app, starts a Redis of its own, the production build
 * and the bare baselines of bench/baselines/, measures each figure on both, prints every figure
 * as a ratio to its baseline and writes bench/results.json. Everything it starts is stopped by
 * PID when it ends, fails or is interrupted. README.md, "Performance", explains the figures.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { generateFigure } from './figures/generate.figure';
import { handshakeFigure } from './figures/handshake.figure';
import { latencyFigure } from './figures/latency.figure';
import { redisCommandsFigure } from './figures/redis-commands.figure';
import { rssFigure } from './figures/rss.figure';
import { validateFigure } from './figures/validate.figure';
import { BenchRedis } from './lib/bench-redis';
import { BenchContext, GENERATE_BODY, Side } from './lib/context';
import { BenchOptions, Figure, parseOptions, USAGE } from './lib/options';
import { CLOCK_TICKS_PER_SECOND, openFilesLimit } from './lib/proc-stats';
import { ProcessRegistry } from './lib/processes';
import { renderConditions, renderTable } from './lib/report';
import { FigureResult, medianOfRounds, REPEATED_FIGURES } from './lib/results';
import { AppLaunch, appSettings, PROJECT_ROOT, ServerHandle, startApp, startBaseline } from './lib/servers';
import { SocketClients } from './lib/socket-clients';
import { TICKET_TTL_SECONDS, TicketPool } from './lib/ticket-pool';
import { createTokens, TokenRotation } from './lib/tokens';

const RUNNERS: Record<Figure, (context: BenchContext) => Promise<FigureResult>> = {
  redis: redisCommandsFigure,
  generate: generateFigure,
  validate: validateFigure,
  latency: latencyFigure,
  handshake: handshakeFigure,
  rss: rssFigure,
};

const started = performance.now();
const progress = (message: string) => process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s] ${message}\n`);

async function build(registry: ProcessRegistry): Promise<void> {
  progress('npm run build');
  const child = registry.spawn('npm', ['run', 'build'], { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const code = await new Promise<number | null>((done) => child.once('exit', done));
  if (code !== 0) throw new Error(`npm run build failed (exit ${code}):\n${output}`);
}

async function main(options: BenchOptions, registry: ProcessRegistry, workDir: string): Promise<void> {
  const loadAtStart = loadavg();
  if (options.build) await build(registry);
  const tokens = createTokens(options.users);
  const redis = await BenchRedis.start(registry, workDir);
  progress(`redis-server ${redis.version} on port ${redis.port}`);
  const launch: AppLaunch = {
    entry: options.appEntry,
    workDir,
    redisUrl: redis.url,
    jwtSecret: tokens.secret,
    logLevel: options.logLevel,
    minOpenFiles: options.sockets + 1_024,
    nodeArgs: [],
  };
  const profileDir = join(PROJECT_ROOT, 'bench', 'profiles');
  if (options.cpuProfile) mkdirSync(profileDir, { recursive: true });
  // Every server is profiled, baselines included, so a figure's profiles can be compared side by side.
  const profiling = (label: string) => (options.cpuProfile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${label}.cpuprofile`] : []);
  const app = await startApp(registry, { ...launch, nodeArgs: [...options.nodeOptions, ...profiling('ticketgate')] }, 'ticketgate');
  progress(`ticketgate (${options.appEntry}, LOG_LEVEL=${options.logLevel}) on port ${app.port}`);
  const fastify = await startBaseline(registry, 'fastify', { ...launch, nodeArgs: profiling('baseline-fastify') }, 'baseline-fastify');
  const socketIo = await startBaseline(registry, 'socket-io', { ...launch, nodeArgs: profiling('baseline-socket-io') }, 'baseline-socket-io');
  progress(`baselines: Fastify on port ${fastify.port}, Socket.IO on port ${socketIo.port}`);

  const stopServer = (server: ServerHandle) => registry.stop(server.child);
  const sides: Side[] = [
    {
      name: 'ticketgate',
      http: app,
      sockets: app,
      redisClientPrefix: 'ticketgate:',
      pool: new TicketPool(),
      freshSocketServer: (label) => startApp(registry, launch, label),
      rates: {},
    },
    {
      name: 'baseline',
      http: fastify,
      sockets: socketIo,
      redisClientPrefix: 'bench:baseline-',
      pool: new TicketPool(),
      freshSocketServer: (label) => startBaseline(registry, 'socket-io', launch, label),
      rates: {},
    },
  ];
  let clients: Promise<SocketClients> | undefined;
  const context: BenchContext = {
    options,
    registry,
    redis,
    tokens,
    rotation: new TokenRotation(tokens.users),
    sides,
    clients: () => (clients ??= SocketClients.start(registry, options.clientProcesses, Math.ceil(options.sockets / options.clientProcesses) + 1_024)),
    stopServer,
    progress,
  };

  const figures: FigureResult[] = [];
  for (const figure of options.only) {
    const times = REPEATED_FIGURES.includes(figure) ? options.rounds : 1;
    const rounds: FigureResult[] = [];
    for (let round = 1; round <= times; round += 1) {
      if (times > 1) progress(`${figure}: round ${round} of ${times}`);
      rounds.push(await RUNNERS[figure](context));
    }
    figures.push(medianOfRounds(rounds));
  }
  const loadAtEnd = loadavg();

  const settings = appSettings(options.logLevel);
  const header = [
    `Ticketgate benchmark · ${options.mode} mode · ${new Date().toISOString()}`,
    `${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}, Redis ${redis.version}; load average ${loadAtStart.map((value) => value.toFixed(2)).join(' ')} at start, ${loadAtEnd.map((value) => value.toFixed(2)).join(' ')} at end`,
    `windows ${options.duration} s after ${options.warmup} s warm-up${options.rounds > 1 ? ` · ${options.rounds} rounds of ${REPEATED_FIGURES.join(', ')} (median ratio)` : ''} · ${options.connections} connections · ${options.sockets} sockets · latency at ${options.rate}/s · ${options.users} users`,
    `app: ${['node', ...options.nodeOptions, options.appEntry].join(' ')}, ${Object.entries(settings).map(([key, value]) => `${key}=${value}`).join(' ')}; generate body ${GENERATE_BODY}`,
  ];
  const checks = figures.flatMap((figure) => figure.checks);
  const targeted = checks.filter((row) => row.pass !== undefined);
  const summary = {
    passed: targeted.filter((row) => row.pass).length,
    failed: targeted.filter((row) => !row.pass).length,
    noisy: checks.filter((row) => row.noisy).length,
  };
  process.stdout.write(
    `\n${header.join('\n')}\n\n${renderTable(figures)}\n\n${renderConditions(figures)}\n\n` +
      `targets: ${summary.passed} passed, ${summary.failed} failed${summary.noisy ? ` (${summary.noisy} rows measured while other work used > 0.25 cores: rerun with --only)` : ''}\n`,
  );

  const results = {
    tool: 'ticketgate-bench',
    schema: 1,
    date: new Date().toISOString(),
    mode: options.mode,
    flags: {
      duration: options.duration,
      warmup: options.warmup,
      connections: options.connections,
      sockets: options.sockets,
      rate: options.rate,
      users: options.users,
      commandSamples: options.commandSamples,
      clientProcesses: options.clientProcesses,
      only: options.only,
      logLevel: options.logLevel,
      build: options.build,
      appEntry: options.appEntry,
      rounds: options.rounds,
    },
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      kernel: release(),
      node: process.version,
      redis: redis.version,
      clockTicksPerSecond: CLOCK_TICKS_PER_SECOND,
      openFilesLimit: openFilesLimit(),
      loadAverage: { start: loadAtStart, end: loadAtEnd },
    },
    app: { entry: options.appEntry, nodeOptions: options.nodeOptions, settings, generateBody: GENERATE_BODY, ticketTtlSeconds: TICKET_TTL_SECONDS },
    figures: Object.fromEntries(figures.map(({ figure, ticketgate, baseline, notes, rounds }) => [figure, { ticketgate, baseline, notes, ...(rounds ? { rounds } : {}) }])),
    checks,
    summary,
    elapsedSeconds: Math.round((performance.now() - started) / 100) / 10,
  };
  const out = resolve(PROJECT_ROOT, options.out);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  progress(`results written to ${options.out} (${results.elapsedSeconds} s in all)`);
}

function run(): void {
  let options: BenchOptions | 'help';
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
    process.exit(2);
  }
  if (options === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const registry = new ProcessRegistry();
  const workDir = mkdtempSync(join(tmpdir(), 'ticketgate-bench-'));
  // A profiled app must exit by itself (SIGTERM, its graceful shutdown) to write its profile.
  const graceMs = options.cpuProfile ? 15_000 : 0;
  let cleaning: Promise<void> | undefined;
  const cleanUp = () =>
    (cleaning ??= registry.stopAll(graceMs).then(() => rmSync(workDir, { recursive: true, force: true })));
  process.on('exit', () => registry.killAllNow());
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      progress(`${signal}: stopping everything the benchmark started`);
      void cleanUp().finally(() => process.exit(130));
    });
  }
  main(options, registry, workDir).then(
    () => cleanUp().then(() => process.exit(0)),
    (error: unknown) => {
      process.stderr.write(`benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      // Keep the logs of a failed run for a look.
      void registry.stopAll().finally(() => {
        process.stderr.write(`logs kept in ${workDir}\n`);
        process.exit(1);
      });
    },
  );
}

run();
