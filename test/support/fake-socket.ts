import type { Socket } from 'socket.io-client';

type Handler = (...args: never[]) => void;
type Engine = { readyState: 'opening' | 'open' | 'closing' | 'closed' };

/**
 * A stand-in for a socket.io-client Socket with just what the client's connection logic uses,
 * driven by the test: `open()` starts an attempt (a new transport), `accept()`, `refuse(code)`,
 * `drop()` and `serverDisconnect()` play the server. Acknowledgements answer from `answers`;
 * an event without an answer times out.
 */
export class FakeSocket {
  connected = false;
  active = true;
  reconnection = true;
  readonly io: { engine: Engine; reconnection: () => boolean; reconnectionAttempts: () => number } = {
    engine: { readyState: 'closed' },
    reconnection: () => this.reconnection,
    reconnectionAttempts: () => Infinity,
  };
  /** `Date.now()` at each `connect()` the client made. */
  readonly connectCalls: number[] = [];
  disconnectCalls = 0;
  readonly answers = new Map<string, (...args: unknown[]) => unknown>();
  /** Every event emitted with an acknowledgement, in order. */
  readonly asked: Array<{ event: string; args: unknown[] }> = [];
  private readonly handlers = new Map<string, Handler[]>();

  on(event: string, handler: Handler): this {
    this.handlers.set(event, [...(this.handlers.get(event) ?? []), handler]);
    return this;
  }

  connect(): this {
    this.connectCalls.push(Date.now());
    this.active = true;
    return this;
  }

  disconnect(): this {
    this.disconnectCalls++;
    this.active = false;
    this.io.engine = { readyState: 'closed' };
    if (this.connected) {
      this.connected = false;
      this.fire('disconnect', 'io client disconnect');
    }
    return this;
  }

  timeout(): { emitWithAck: (event: string, ...args: unknown[]) => Promise<unknown> } {
    return {
      emitWithAck: async (event, ...args) => {
        this.asked.push({ event, args });
        const answer = this.answers.get(event);
        if (!answer) throw new Error('operation has timed out');
        return answer(...args);
      },
    };
  }

  /** A new transport opened: socket.io-client is about to call `auth`. */
  open(): void {
    this.active = true;
    this.io.engine = { readyState: 'open' };
  }

  accept(): void {
    this.connected = true;
    this.fire('connect');
  }

  /** A refused handshake: socket.io-client destroys the socket, then reports `connect_error`. */
  refuse(code: string): void {
    this.active = false;
    this.fire('connect_error', Object.assign(new Error(code), { data: { code, message: `refused: ${code}` } }));
  }

  /** The transport dropped; socket.io-client will reconnect by itself. */
  drop(reason = 'transport close'): void {
    this.connected = false;
    this.io.engine = { readyState: 'closed' };
    this.fire('disconnect', reason);
  }

  /** The server disconnected the socket, after emitting `events` to it. */
  serverDisconnect(...events: Array<[string, unknown?]>): void {
    for (const [event, payload] of events) this.fire(event, payload);
    this.connected = false;
    this.active = false;
    this.io.engine = { readyState: 'closed' };
    this.fire('disconnect', 'io server disconnect');
  }

  fire(event: string, ...args: unknown[]): void {
    for (const handler of this.handlers.get(event) ?? []) (handler as (...values: unknown[]) => void)(...args);
  }

  asSocket(): Socket {
    return this as unknown as Socket;
  }
}
