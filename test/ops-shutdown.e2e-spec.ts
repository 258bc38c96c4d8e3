import { Redis } from 'ioredis';
import { Agent, get } from 'node:http';
import { connect as tcpConnect, Socket as TcpSocket } from 'node:net';
import { io, Socket } from 'socket.io-client';
import { SERVER_SHUTDOWN_EVENT } from '../src/lifecycle/shutdown-state';
import { RedisServer } from './support/redis-server';
import { freePort } from './support/free-port';
import { Exit, LogLine, ServerProcess } from './support/server-process';
import { runTs } from './support/spawn';
import { bearer, devToken } from './support/tokens';

const DRAIN_MS = 1_000;

interface Observed {
  exit: Exit;
  signalledAt: number;
  readyDuringDrain: { status: number; body: { status?: string; error?: Record<string, { status?: string }> } };
  liveDuringDrain: number;
  statusRouteDuringDrain: number;
  afterExit: string;
  /** Present when this build has a Socket.IO server. */
  socket?: {
    notice?: { payload: unknown; at: number };
    disconnect?: { reason: string; at: number };
    handshakeDuringDrain?: string;
  };
  started: LogLine;
}

function onceConnected(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    socket.once('connect', () => resolve('connected'));
    socket.once('connect_error', (error) => resolve(`connect_error ${error.message}`));
  });
}

/** An HTTP/1.1 keep-alive connection left idle in the agent's pool after one request. */
function idleKeepAliveConnection(baseUrl: string, agent: Agent): Promise<void> {
  return new Promise((resolve, reject) => {
    get(`${baseUrl}/health/live`, { agent }, (response) => {
      response.resume();
      response.on('end', () => resolve());
    }).on('error', reject);
  });
}

/**
 * A real server process (src/main.ts) on a throwaway redis-server, sent SIGTERM: readiness fails
 * first, the process keeps serving through SHUTDOWN_DRAIN_MS, sockets are told and disconnected,
 * Redis connections QUIT, the listener closes and the process exits 0 well within 10 s.
 */
describe('SIGTERM', () => {
  let redis: RedisServer;
  let monitorClient: Redis;
  let monitor: Redis;
  let server: ServerProcess;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const redisCommands: Array<{ source: string; command: string; args: string[] }> = [];
  const sockets: Socket[] = [];
  let observed: Observed;

  beforeAll(async () => {
    redis = await RedisServer.start();
    // MONITOR before the server starts, so every connection's CLIENT SETNAME is seen.
    monitorClient = new Redis(redis.port, '127.0.0.1');
    monitor = await monitorClient.monitor();
    monitor.on('monitor', (_time: string, args: string[], source: string) => {
      redisCommands.push({ source, command: args[0].toLowerCase(), args: args.slice(1) });
    });
    server = await ServerProcess.start({ REDIS_URL: redis.url, REDIS_KEY_PREFIX: 'ops-shutdown:', SHUTDOWN_DRAIN_MS: String(DRAIN_MS) });

    await idleKeepAliveConnection(server.baseUrl, agent);
    const hasSocketServer = (await fetch(`${server.baseUrl}/socket.io/?EIO=4&transport=polling`)).status === 200;
    let socketObservations: Observed['socket'];
    if (hasSocketServer) {
      const issued = (await (await fetch(`${server.baseUrl}/api/v1/websocket/ticket`, { method: 'POST', headers: { ...bearer(devToken({ sub: 'shutdown-user' })), 'content-type': 'application/json' }, body: '{}' })).json()) as { ticket: string };
      const socket = io(server.baseUrl, { auth: { ticket: issued.ticket }, transports: ['websocket'], reconnection: false });
      sockets.push(socket);
      expect(await onceConnected(socket)).toBe('connected');
      socketObservations = {};
      const observations = socketObservations;
      socket.on(SERVER_SHUTDOWN_EVENT, (payload: unknown) => (observations.notice = { payload, at: Date.now() }));
      socket.on('disconnect', (reason) => (observations.disconnect = { reason, at: Date.now() }));
    }

    const signalledAt = Date.now();
    server.signal('SIGTERM');
    const started = await server.waitForLog((line) => line.event === 'shutdown.started');

    // Still inside the drain: the process serves, but says it is not ready.
    const ready = await fetch(`${server.baseUrl}/health/ready`);
    const readyDuringDrain = { status: ready.status, body: (await ready.json()) as Observed['readyDuringDrain']['body'] };
    const liveDuringDrain = (await fetch(`${server.baseUrl}/health/live`)).status;
    const statusRouteDuringDrain = (await fetch(`${server.baseUrl}/api/v1/websocket/ticket/status`)).status;
    if (socketObservations) {
      const late = io(server.baseUrl, { auth: { token: devToken({ sub: 'late-user' }) }, transports: ['websocket'], reconnection: false });
      sockets.push(late);
      socketObservations.handshakeDuringDrain = await onceConnected(late);
      late.close();
    }

    const exit = await server.exited;
    const afterExit = await fetch(`${server.baseUrl}/health/live`).then(
      (response) => `answered ${response.status}`,
      (error: Error & { cause?: { code?: string } }) => error.cause?.code ?? error.message,
    );
    observed = { exit, signalledAt, readyDuringDrain, liveDuringDrain, statusRouteDuringDrain, afterExit, socket: socketObservations, started };
  }, 40_000);

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    agent.destroy();
    await server?.stop();
    monitor?.disconnect();
    monitorClient?.disconnect();
    await redis?.stop();
  });

  it('exits with code 0 after the drain delay and well within 10 s', () => {
    const { exit, signalledAt } = observed;
    expect({ code: exit.code, signal: exit.signal }).toEqual({ code: 0, signal: null });
    expect(exit.at - signalledAt).toBeGreaterThanOrEqual(DRAIN_MS);
    expect(exit.at - signalledAt).toBeLessThan(10_000);
  });

  it('fails readiness first, while liveness and the API keep answering through the drain', () => {
    expect(observed.readyDuringDrain.status).toBe(503);
    expect(observed.readyDuringDrain.body.error?.shutdown).toMatchObject({ status: 'down' });
    expect(observed.liveDuringDrain).toBe(200);
    expect(observed.statusRouteDuringDrain).toBe(200);
  });

  it('logs the sequence: started, drained after the delay, complete', () => {
    const events = server.lines.filter((line) => line.context === 'Shutdown').map((line) => line.event);
    expect(events).toEqual(['shutdown.started', 'shutdown.drained', 'shutdown.complete']);
    const at = (event: string) => server.lines.find((line) => line.event === event)!.time as number;
    expect(at('shutdown.drained') - at('shutdown.started')).toBeGreaterThanOrEqual(DRAIN_MS - 5);
    expect(observed.started).toMatchObject({ signal: 'SIGTERM', drainMs: DRAIN_MS });
  });

  it('closes the listener: new connections are refused', () => {
    expect(observed.afterExit).toBe('ECONNREFUSED');
  });

  it('closes every Redis connection politely (QUIT) before exiting', () => {
    const named = redisCommands.filter((c) => c.command === 'client' && c.args[0]?.toLowerCase() === 'setname' && c.args[1]?.startsWith('ticketgate:'));
    expect(named.length).toBeGreaterThan(0);
    const quitters = new Set(redisCommands.filter((c) => c.command === 'quit').map((c) => c.source));
    expect(named.filter((c) => !quitters.has(c.source)).map((c) => c.args[1])).toEqual([]);
  });

  it('tells connected sockets why and disconnects them, refusing new handshakes while draining', () => {
    if (!observed.socket) {
      // This build has no Socket.IO server at all (the gateway has not landed).
      expect(observed.started.drainListeners).toBe(0);
      return;
    }
    const { notice, disconnect, handshakeDuringDrain } = observed.socket;
    expect(disconnect).toBeDefined();
    expect(disconnect!.at).toBeLessThanOrEqual(observed.exit.at);
    if (observed.started.drainListeners === 0) {
      // The gateway has not registered with ShutdownState.onDrain yet: Nest still closes the
      // socket server, so sockets drop, but untold. Tightens by itself once it registers.
      expect(disconnect!.reason).toBe('transport close');
      expect(notice).toBeUndefined();
      return;
    }
    expect(notice).toBeDefined();
    expect(notice!.at).toBeLessThanOrEqual(disconnect!.at);
    expect(notice!.at - observed.signalledAt).toBeGreaterThanOrEqual(DRAIN_MS - 50);
    expect(handshakeDuringDrain).toMatch(/^connect_error /);
  });
});

describe('shutdown limits', () => {
  it('SIGINT (Ctrl-C) shuts down the same way without waiting for the drain delay, exit code 0', async () => {
    const server = await ServerProcess.start({ SHUTDOWN_DRAIN_MS: '5000' });
    try {
      const signalledAt = Date.now();
      server.signal('SIGINT');
      const exit = await server.exited;
      expect({ code: exit.code, signal: exit.signal }).toEqual({ code: 0, signal: null });
      expect(exit.at - signalledAt).toBeLessThan(3_000);
      expect(server.lines.filter((line) => line.context === 'Shutdown').map((line) => line.event)).toEqual(['shutdown.started', 'shutdown.drained', 'shutdown.complete']);
    } finally {
      await server.stop();
    }
  }, 30_000);

  it("another signal (SIGHUP) still closes everything and ends by that signal, with its last log lines written", async () => {
    const server = await ServerProcess.start({ SHUTDOWN_DRAIN_MS: '5000' });
    try {
      server.signal('SIGHUP');
      const exit = await server.exited;
      // Nest re-raises the signal after its hooks: no `exit` listener runs, so held log lines
      // must already be out by then.
      expect({ code: exit.code, signal: exit.signal }).toEqual({ code: null, signal: 'SIGHUP' });
      expect(server.lines.filter((line) => line.context === 'Shutdown').map((line) => line.event)).toEqual(['shutdown.drained', 'shutdown.complete']);
    } finally {
      await server.stop();
    }
  }, 30_000);

  it('a request that never completes cannot hold the process past SHUTDOWN_TIMEOUT_MS: it exits 1', async () => {
    const server = await ServerProcess.start({ SHUTDOWN_DRAIN_MS: '0', SHUTDOWN_TIMEOUT_MS: '1500' });
    let stalled: TcpSocket | undefined;
    try {
      stalled = tcpConnect(server.port, '127.0.0.1');
      await new Promise((resolve) => stalled!.once('connect', resolve));
      // Headers promise a body that never comes: the connection is busy, not idle.
      stalled.write('POST /api/v1/websocket/ticket HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{');
      await new Promise((resolve) => setTimeout(resolve, 100));
      const signalledAt = Date.now();
      server.signal('SIGTERM');
      const exit = await server.exited;
      expect(exit.code).toBe(1);
      expect(exit.at - signalledAt).toBeGreaterThanOrEqual(1_400);
      expect(exit.at - signalledAt).toBeLessThan(5_000);
      expect(server.lines.some((line) => line.event === 'shutdown.timed_out' && line.level === 50)).toBe(true);
    } finally {
      stalled?.destroy();
      await server.stop();
    }
  }, 30_000);

  it.each([
    [{ SHUTDOWN_DRAIN_MS: 'soon' }, 'SHUTDOWN_DRAIN_MS'],
    [{ SHUTDOWN_DRAIN_MS: '5000', SHUTDOWN_TIMEOUT_MS: '3000' }, 'SHUTDOWN_TIMEOUT_MS'],
  ])('refuses to start with %j, naming %s', async (env, setting) => {
    const { code, stderr } = await runTs('src/main.ts', [], { PORT: String(await freePort()), ...env });
    expect(code).toBe(1);
    expect(stderr).toContain('Invalid environment variables');
    expect(stderr).toContain(setting);
  });
});
