import type { ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { freePort, ProcessRegistry, readyMessage, waitUntil } from './processes';

export const PROJECT_ROOT = resolve(__dirname, '..', '..');
const SWC_REGISTER = require.resolve('@swc-node/register');

/** A server under test: the app or a baseline, each its own process. */
export interface ServerHandle {
  label: string;
  child: ChildProcess;
  pid: number;
  port: number;
  baseUrl: string;
  /** stdout+stderr of the process (the app's JSON log lines). */
  logFile: string;
}

/**
 * The settings the app is benchmarked with, beside REDIS_URL, JWT_SECRET, PORT and HOST. Limits
 * that would refuse a benchmark's traffic are at their maximums; nothing else is changed.
 */
export function appSettings(logLevel: string): Record<string, string> {
  return {
    NODE_ENV: 'production',
    LOG_LEVEL: logLevel,
    // 5,000 users each generating a few tickets a second stay far below these.
    TICKET_MAX_ACTIVE_PER_USER: '10000',
    TICKET_RATE_LIMIT_PER_MINUTE: '100000',
    // Only refused handshakes count; with the default (30) a handful of failures would refuse every later one from 127.0.0.1.
    WS_FAILED_HANDSHAKES_PER_MINUTE: '100000',
  };
}

export interface AppLaunch {
  entry: string;
  workDir: string;
  redisUrl: string;
  jwtSecret: string;
  logLevel: string;
  minOpenFiles: number;
  /** Extra node flags (e.g. --cpu-prof) for profiling. */
  nodeArgs: string[];
}

/**
 * `node dist/main.js` as in production, on a free loopback port, in the harness's own working
 * directory (so no stray `.env` changes its settings), logging to a file as it would to stdout.
 */
export async function startApp(registry: ProcessRegistry, launch: AppLaunch, label: string): Promise<ServerHandle> {
  const port = await freePort();
  const entry = resolve(PROJECT_ROOT, launch.entry);
  const viaSwc = entry.endsWith('.ts');
  const logFile = join(launch.workDir, `${label}.log`);
  const log = openSync(logFile, 'a');
  const child = registry.spawn(process.execPath, [...launch.nodeArgs, ...(viaSwc ? ['-r', SWC_REGISTER] : []), entry], {
    cwd: launch.workDir,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ...(viaSwc ? { SWC_NODE_PROJECT: join(PROJECT_ROOT, 'tsconfig.json') } : {}),
      ...appSettings(launch.logLevel),
      HOST: '127.0.0.1',
      PORT: String(port),
      REDIS_URL: launch.redisUrl,
      JWT_SECRET: launch.jwtSecret,
      INSTANCE_ID: `bench-${label}`,
    },
    stdio: ['ignore', log, log],
    minOpenFiles: launch.minOpenFiles,
  });
  closeSync(log);
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitUntil(`the app (${label}; log ${logFile})`, child, async () => (await fetch(`${baseUrl}/health/live`)).ok, 60_000);
  return { label, child, pid: child.pid!, port, baseUrl, logFile };
}

export type BaselineName = 'fastify' | 'socket-io';

/** A baseline from bench/baselines/ (plain CommonJS, bare `node`), with an IPC channel to say it is ready. */
export async function startBaseline(
  registry: ProcessRegistry,
  name: BaselineName,
  launch: Pick<AppLaunch, 'workDir' | 'redisUrl' | 'jwtSecret' | 'minOpenFiles'> & Partial<Pick<AppLaunch, 'nodeArgs'>>,
  label: string,
): Promise<ServerHandle> {
  const port = await freePort();
  const logFile = join(launch.workDir, `${label}.log`);
  const log = openSync(logFile, 'a');
  const child = registry.spawn(process.execPath, [...(launch.nodeArgs ?? []), join(PROJECT_ROOT, 'bench', 'baselines', `${name}.baseline.js`)], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, PORT: String(port), REDIS_URL: launch.redisUrl, JWT_SECRET: launch.jwtSecret, NODE_ENV: 'production' },
    stdio: ['ignore', log, log, 'ipc'],
    minOpenFiles: launch.minOpenFiles,
  });
  closeSync(log);
  await readyMessage(`the ${name} baseline (log ${logFile})`, child);
  return { label, child, pid: child.pid!, port, baseUrl: `http://127.0.0.1:${port}`, logFile };
}
