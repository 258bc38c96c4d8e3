import type { ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { freePort, ProcessRegistry, waitUntil } from './processes';

/** The harness's own `redis-server`: loopback, a free port, nothing persisted. */
export class BenchRedis {
  private constructor(
    readonly process: ChildProcess,
    readonly port: number,
    /** The harness's connection, for INFO, MONITOR and CLIENT LIST. */
    readonly client: Redis,
    readonly version: string,
  ) {}

  static async start(registry: ProcessRegistry, cwd: string): Promise<BenchRedis> {
    const port = await freePort();
    const child = registry.spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'no'],
      { cwd, stdio: 'ignore' },
    );
    child.once('error', () => undefined);
    const client = new Redis(port, '127.0.0.1', { lazyConnect: true, connectionName: 'bench:harness', maxRetriesPerRequest: 1, retryStrategy: () => 100 });
    client.on('error', () => undefined);
    await waitUntil('redis-server', child, async () => {
      if (client.status === 'wait' || client.status === 'end') await client.connect();
      return (await client.ping()) === 'PONG';
    }, 10_000);
    const info = await client.info('server');
    const version = /^redis_version:(\S+)/m.exec(info)?.[1] ?? 'unknown';
    return new BenchRedis(child, port, client, version);
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get pid(): number {
    return this.process.pid!;
  }

  /** `addr` → `name` of every connected client. */
  async clientNames(): Promise<Map<string, string>> {
    const list = (await this.client.client('LIST')) as string;
    const names = new Map<string, string>();
    for (const line of list.split('\n').filter(Boolean)) {
      const fields = Object.fromEntries(line.split(' ').map((pair) => pair.split('=', 2) as [string, string]));
      names.set(fields.addr, fields.name ?? '');
    }
    return names;
  }

  async close(): Promise<void> {
    this.client.disconnect(false);
  }
}

/** What one operation sent to Redis, counted with MONITOR. */
export interface CommandCount {
  /** Commands per operation sent by the server under test (a script call counts as one). */
  perOperation: number;
  /** The same, per command and key shape, e.g. `evalsha ticketgate:rate:{…}`. */
  breakdown: Record<string, number>;
  /** Commands run inside scripts, per operation (not round trips; for information). */
  insideScriptsPerOperation: number;
}

/**
 * Counts the commands the clients whose connection name starts with `namePrefix` send while
 * `run` performs operations (it resolves to how many succeeded). MONITOR lists each command with its sender, and
 * commands run by a script with the source `lua`, so round trips and script internals are
 * told apart.
 */
export async function countCommands(redis: BenchRedis, namePrefix: string, run: () => Promise<number>): Promise<CommandCount> {
  const monitor = await redis.client.monitor();
  const sent = new Map<string, number>();
  let insideScripts = 0;
  let senders = await redis.clientNames();
  const unknownSenders = new Set<string>();
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    if (source === 'lua') {
      insideScripts += 1;
      return;
    }
    if (!senders.has(source)) unknownSenders.add(source);
    const key = `${source}\u0000${describeCommand(args)}`;
    sent.set(key, (sent.get(key) ?? 0) + 1);
  });
  let operations = 0;
  try {
    operations = await run();
    // MONITOR output trails the commands slightly.
    await new Promise((resolve) => setTimeout(resolve, 200));
  } finally {
    if (unknownSenders.size > 0) senders = await redis.clientNames();
    monitor.disconnect();
  }
  if (operations === 0) throw new Error('no operation succeeded while counting Redis commands');
  const breakdown: Record<string, number> = {};
  let total = 0;
  for (const [key, count] of sent) {
    const [source, command] = key.split('\u0000');
    if (!(senders.get(source) ?? '').startsWith(namePrefix)) continue;
    breakdown[command] = round((breakdown[command] ?? 0) + count / operations);
    total += count;
  }
  return { perOperation: round(total / operations), breakdown, insideScriptsPerOperation: round(insideScripts / operations) };
}

const round = (value: number) => Math.round(value * 100) / 100;

/** `evalsha <first key shape>` or `<command> <first key shape>`, with hashes replaced by `…`. */
function describeCommand(args: string[]): string {
  const name = args[0].toLowerCase();
  const key = name === 'evalsha' || name === 'eval' ? args[3] : args[1];
  if (key === undefined) return name;
  const shape = key.replace(/\{[^}]*\}/g, '{…}').replace(/[A-Za-z0-9_-]{20,}/g, '…');
  return `${name} ${shape}`;
}
