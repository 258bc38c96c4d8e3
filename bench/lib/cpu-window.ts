import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { CLOCK_TICKS_PER_SECOND, cpuTicks, machineBusyTicks } from './proc-stats';

/** Which processes a measured window attributes CPU to. */
export interface WindowProcesses {
  /** The server under test. */
  server: number;
  redis: number;
  /** The load generator: this process (autocannon) or the socket client processes. */
  clients: number[];
  /** Every other process the harness started, idle during the window. */
  ours: () => number[];
}

/** CPU spent during one measured window. */
export interface WindowUsage {
  seconds: number;
  serverCpuSeconds: number;
  redisCpuSeconds: number;
  clientCpuSeconds: number;
  /** CPU used by processes the harness did not start (other work on the machine), in cores. */
  otherCores: number;
  loadAverage1m: number;
}

interface Snapshot {
  at: number;
  server: number;
  redis: number;
  clients: number;
  ours: number;
  machine: number;
}

/**
 * Reads /proc now and returns a function that reads it again and reports the difference. Server
 * CPU comes from the server's own utime+stime, so the load generator sharing the machine does
 * not count towards it; the machine-wide counter minus every process of ours says how busy the
 * rest of the machine was (other people's tests make a figure noisy).
 */
export function openWindow(processes: WindowProcesses): () => WindowUsage {
  const take = (): Snapshot => {
    const server = cpuTicks(processes.server);
    const redis = cpuTicks(processes.redis);
    const clients = processes.clients.reduce((sum, pid) => sum + cpuTicks(pid), 0);
    const unique = new Set([...processes.ours(), process.pid]);
    for (const pid of [processes.server, processes.redis, ...processes.clients]) unique.delete(pid);
    const rest = [...unique].reduce((sum, pid) => sum + cpuTicks(pid), 0);
    return { at: performance.now(), server, redis, clients, ours: server + redis + clients + rest, machine: machineBusyTicks() };
  };
  const before = take();
  return () => {
    const after = take();
    const seconds = (after.at - before.at) / 1000;
    const cpu = (ticks: number) => ticks / CLOCK_TICKS_PER_SECOND;
    const other = cpu(after.machine - before.machine - (after.ours - before.ours));
    return {
      seconds,
      serverCpuSeconds: cpu(after.server - before.server),
      redisCpuSeconds: cpu(after.redis - before.redis),
      clientCpuSeconds: cpu(after.clients - before.clients),
      otherCores: Math.max(0, other / seconds),
      loadAverage1m: loadavg()[0],
    };
  };
}
