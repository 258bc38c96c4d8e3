import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AddressInfo } from 'node:net';
import { io, ManagerOptions, Socket, SocketOptions } from 'socket.io-client';
import request from 'supertest';
import type { IssuedTicket } from '../../src/client/ticket-endpoint';
import { bearer } from './tokens';

export type { IssuedTicket };

export type ClientOptions = Partial<ManagerOptions & SocketOptions>;

/** What a refused handshake gives the client (CONTRACT §4). */
export interface ConnectError extends Error {
  data?: { code: string; message: string };
}

/** Starts the app on a free loopback port and returns its base URL. */
export async function listen(app: NestFastifyApplication): Promise<string> {
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return `http://127.0.0.1:${port}`;
}

/** Generates a ticket over REST, as a browser would before opening its socket. */
export async function issueTicket(app: NestFastifyApplication, token: string, body: object = {}): Promise<IssuedTicket> {
  const response = await request(app.getHttpServer()).post('/api/v1/websocket/ticket').set(bearer(token)).send(body);
  if (response.status !== 201) throw new Error(`Generate answered ${response.status}: ${JSON.stringify(response.body)}`);
  return response.body as IssuedTicket;
}

/** Resolves with the socket's next `event` payload; rejects after `timeoutMs`. */
export function nextEvent<T = unknown>(socket: Socket, event: string, timeoutMs = 5_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "${event}" within ${timeoutMs} ms`)), timeoutMs);
    socket.once(event, (payload: T) => {
      clearTimeout(timer);
      resolve(payload);
    });
  });
}

/**
 * socket.io-client sockets of one test file: no reconnection, a fresh connection each, and all
 * of them disconnected by `closeAll()` (call it in `afterEach`), so jest exits on its own.
 */
export class SocketClients {
  private readonly sockets = new Set<Socket>();

  constructor(private readonly defaults: ClientOptions = {}) {}

  open(url: string, options: ClientOptions = {}): Socket {
    const socket = io(url, { reconnection: false, forceNew: true, timeout: 5_000, ...this.defaults, ...options });
    this.sockets.add(socket);
    return socket;
  }

  /** Connects, or rejects with the `connect_error`. */
  async connect(url: string, options: ClientOptions = {}): Promise<Socket> {
    const socket = this.open(url, options);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', (error) => reject(error));
      socket.once('disconnect', (reason) => reject(new Error(`disconnected (${reason}) before connecting`)));
    });
    return socket;
  }

  /** Resolves with the `connect_error` of a refused handshake; rejects when the socket connects. */
  async refuse(url: string, options: ClientOptions = {}): Promise<ConnectError> {
    const socket = this.open(url, options);
    return new Promise<ConnectError>((resolve, reject) => {
      socket.once('connect', () => reject(new Error(`connected as ${socket.id} although a refusal was expected`)));
      socket.once('connect_error', (error: ConnectError) => resolve(error));
      // A server that drops the connection instead of refusing it leaves the client without a code.
      socket.once('disconnect', (reason) => reject(new Error(`disconnected (${reason}) without a connect_error`)));
    }).finally(() => socket.disconnect());
  }

  closeAll(): void {
    for (const socket of this.sockets) socket.disconnect();
    this.sockets.clear();
  }
}

/** Emits with an acknowledgement and resolves with the server's answer. */
export function ask<T = Record<string, unknown>>(socket: Socket, event: string, ...args: unknown[]): Promise<T> {
  return socket.timeout(5_000).emitWithAck(event, ...args) as Promise<T>;
}
