/**
 * A Socket.IO client process driven by the harness over IPC: churns handshakes (connect with a
 * ticket, disconnect, next) or holds idle authenticated sockets open. WebSocket transport only,
 * no reconnection, one engine per socket (`forceNew`), as a browser tab would have.
 */
import { io, Socket } from 'socket.io-client';

export type WorkerCommand =
  | { type: 'load'; tickets: string[] }
  | { type: 'churn'; url: string; concurrency: number; seconds: number; rate?: number }
  | { type: 'open'; url: string; concurrency: number }
  | { type: 'close' };

export interface Outcome {
  ok: number;
  failed: number;
  /** Failure count by `connect_error` message (the error code for refused handshakes). */
  failures: Record<string, number>;
  seconds: number;
}

export type WorkerReply =
  | { type: 'ready' }
  | { type: 'loaded'; count: number }
  | ({ type: 'churned'; unused: string[] } & Outcome)
  | ({ type: 'opened' } & Outcome)
  | { type: 'closed' };

const send = (reply: WorkerReply) => process.send!(reply);

let tickets: string[] = [];
const held: Socket[] = [];

function connect(url: string, ticket: string): Promise<{ socket: Socket; error?: string }> {
  return new Promise((resolve) => {
    const socket = io(url, { transports: ['websocket'], reconnection: false, forceNew: true, timeout: 30_000, auth: { ticket } });
    socket.once('connect', () => resolve({ socket }));
    socket.once('connect_error', (error: Error) => {
      socket.disconnect();
      resolve({ socket, error: error.message || 'connect_error' });
    });
  });
}

/**
 * Runs `concurrency` loops that each take tickets until they run out or `deadline` passes;
 * with `rate`, the n-th handshake of this process starts no earlier than n/rate seconds in.
 */
async function run(url: string, concurrency: number, deadline: number, keep: boolean, rate?: number): Promise<Outcome> {
  const started = performance.now();
  const outcome: Outcome = { ok: 0, failed: 0, failures: {}, seconds: 0 };
  let begun = 0;
  const loop = async () => {
    while (tickets.length > 0 && performance.now() < deadline) {
      if (rate) {
        const wait = started + (begun++ * 1000) / rate - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        if (performance.now() >= deadline) break;
      }
      const { socket, error } = await connect(url, tickets.pop()!);
      if (error) {
        outcome.failed += 1;
        outcome.failures[error] = (outcome.failures[error] ?? 0) + 1;
      } else {
        outcome.ok += 1;
        if (keep) held.push(socket);
        else socket.disconnect();
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  outcome.seconds = (performance.now() - started) / 1000;
  return outcome;
}

process.on('message', (command: WorkerCommand) => {
  switch (command.type) {
    case 'load':
      tickets = command.tickets;
      send({ type: 'loaded', count: tickets.length });
      break;
    case 'churn':
      void run(command.url, command.concurrency, performance.now() + command.seconds * 1000, false, command.rate).then((outcome) =>
        send({ type: 'churned', ...outcome, unused: tickets.splice(0) }),
      );
      break;
    case 'open':
      void run(command.url, command.concurrency, Infinity, true).then((outcome) => send({ type: 'opened', ...outcome }));
      break;
    case 'close':
      for (const socket of held.splice(0)) socket.disconnect();
      // Let the close frames go out before answering.
      setTimeout(() => send({ type: 'closed' }), 200);
      break;
  }
});

process.once('disconnect', () => process.exit(0));
send({ type: 'ready' });
