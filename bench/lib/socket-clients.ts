import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { Outcome, WorkerCommand, WorkerReply } from '../clients/socket-client.worker';
import { openWindow, WindowProcesses, WindowUsage } from './cpu-window';
import { ProcessRegistry, readyMessage } from './processes';
import { PROJECT_ROOT } from './servers';

const SWC_REGISTER = require.resolve('@swc-node/register');

export interface SocketRun extends Outcome {
  usage?: WindowUsage;
  /** Tickets left when the time was up. */
  unused: string[];
}

/** Socket.IO client processes (bench/clients/socket-client.worker.ts), the load spread evenly over them. */
export class SocketClients {
  private constructor(private readonly workers: ChildProcess[]) {}

  static async start(registry: ProcessRegistry, count: number, minOpenFiles: number): Promise<SocketClients> {
    const workers = Array.from({ length: count }, () =>
      registry.spawn(process.execPath, ['-r', SWC_REGISTER, join(PROJECT_ROOT, 'bench', 'clients', 'socket-client.worker.ts')], {
        cwd: PROJECT_ROOT,
        env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'production' },
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        minOpenFiles,
      }),
    );
    await Promise.all(workers.map((worker, index) => readyMessage(`socket client ${index + 1}`, worker)));
    return new SocketClients(workers);
  }

  get pids(): number[] {
    return this.workers.map((worker) => worker.pid!);
  }

  /**
   * Connect-then-disconnect loops, `concurrency` in flight overall, until `seconds` pass or the
   * tickets run out; with `rate`, handshakes start at most that many per second overall.
   */
  async churn(url: string, tickets: string[], concurrency: number, seconds: number, measure?: Omit<WindowProcesses, 'clients'>, rate?: number): Promise<SocketRun> {
    const active = await this.load(tickets, concurrency);
    const closeWindow = measure ? openWindow({ ...measure, clients: this.pids }) : undefined;
    const outcomes = await Promise.all(
      active.map(({ worker, share }) =>
        this.ask(worker, { type: 'churn', url, concurrency: share, seconds, ...(rate ? { rate: (rate * share) / concurrency } : {}) }, 'churned'),
      ),
    );
    const usage = closeWindow?.();
    return { ...merge(outcomes), unused: outcomes.flatMap((outcome) => outcome.unused), ...(usage ? { seconds: usage.seconds, usage } : {}) };
  }

  /** Opens one socket per ticket and keeps them open. */
  async open(url: string, tickets: string[], concurrency: number): Promise<Outcome> {
    const active = await this.load(tickets, concurrency);
    return merge(await Promise.all(active.map(({ worker, share }) => this.ask(worker, { type: 'open', url, concurrency: share }, 'opened'))));
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.workers.map((worker) => this.ask(worker, { type: 'close' }, 'closed')));
  }

  /** Splits the tickets and the concurrency over the workers; returns the workers that got a share. */
  private async load(tickets: string[], concurrency: number): Promise<{ worker: ChildProcess; share: number }[]> {
    const count = Math.min(this.workers.length, Math.max(1, concurrency));
    const active = this.workers.slice(0, count).map((worker, index) => ({
      worker,
      share: Math.floor(concurrency / count) + (index < concurrency % count ? 1 : 0),
      tickets: tickets.filter((_, position) => position % count === index),
    }));
    await Promise.all(active.map(({ worker, tickets: mine }) => this.ask(worker, { type: 'load', tickets: mine }, 'loaded')));
    return active;
  }

  private ask<T extends WorkerReply['type']>(worker: ChildProcess, command: WorkerCommand, answer: T): Promise<Extract<WorkerReply, { type: T }>> {
    return new Promise((resolve, reject) => {
      const onMessage = (reply: WorkerReply) => {
        if (reply.type !== answer) return;
        worker.off('message', onMessage);
        worker.off('exit', onExit);
        resolve(reply as Extract<WorkerReply, { type: T }>);
      };
      const onExit = (code: number | null) => reject(new Error(`a socket client process exited (code ${code})`));
      worker.on('message', onMessage);
      worker.once('exit', onExit);
      worker.send(command);
    });
  }
}

function merge(outcomes: Outcome[]): Outcome {
  const failures: Record<string, number> = {};
  for (const outcome of outcomes) {
    for (const [reason, count] of Object.entries(outcome.failures)) failures[reason] = (failures[reason] ?? 0) + count;
  }
  return {
    ok: outcomes.reduce((sum, outcome) => sum + outcome.ok, 0),
    failed: outcomes.reduce((sum, outcome) => sum + outcome.failed, 0),
    failures,
    seconds: Math.max(...outcomes.map((outcome) => outcome.seconds)),
  };
}
