import { connect, Socket } from 'node:net';
import type { RequestSpec } from './http-load';

export interface RawResponse {
  status: number;
  body: string;
}

interface Pending {
  request: Buffer;
  resolve: (response: RawResponse) => void;
  reject: (error: Error) => void;
}

const HEADER_END = Buffer.from('\r\n\r\n');
const CONTENT_LENGTH = /\r\ncontent-length:\s*(\d+)/i;

/**
 * A minimal keep-alive HTTP/1.1 client for the open-loop latency figure: requests are written
 * as raw bytes and responses read by Content-Length, at a few µs of CPU each — node:http's
 * client costs hundreds, which on a 2-core machine is taken from the server being measured.
 * Only what the harness needs: no chunked bodies, no pipelining, one request per connection at
 * a time, requests waiting in a queue when every connection is busy.
 */
export class RawHttpPool {
  private readonly idle: RawConnection[] = [];
  private readonly all: RawConnection[] = [];
  private readonly queue: Pending[] = [];

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly size: number,
  ) {}

  send(spec: RequestSpec): Promise<RawResponse> {
    const body = Buffer.from(spec.body);
    const head =
      `POST ${spec.path} HTTP/1.1\r\nHost: ${this.host}:${this.port}\r\nConnection: keep-alive\r\n` +
      `Content-Type: application/json\r\nAuthorization: ${spec.authorization}\r\nContent-Length: ${body.length}\r\n\r\n`;
    return new Promise((resolve, reject) => {
      this.queue.push({ request: Buffer.concat([Buffer.from(head), body]), resolve, reject });
      this.dispatch();
    });
  }

  close(): void {
    for (const connection of this.all) connection.destroy();
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let connection = this.idle.pop();
      if (!connection && this.all.length < this.size) {
        connection = new RawConnection(this.host, this.port, (done) => {
          this.idle.push(done);
          this.dispatch();
        });
        this.all.push(connection);
      }
      if (!connection) return;
      connection.run(this.queue.shift()!);
    }
  }
}

class RawConnection {
  private socket: Socket;
  private current?: Pending;
  private buffer: Buffer = Buffer.alloc(0);

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly onIdle: (connection: RawConnection) => void,
  ) {
    this.socket = this.open();
  }

  run(pending: Pending): void {
    this.current = pending;
    this.buffer = Buffer.alloc(0);
    if (this.socket.destroyed) this.socket = this.open();
    this.socket.write(pending.request);
  }

  destroy(): void {
    this.socket.destroy();
  }

  private open(): Socket {
    const socket = connect(this.port, this.host);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    const fail = (error: Error) => {
      const pending = this.current;
      this.current = undefined;
      if (pending) {
        pending.reject(error);
        this.onIdle(this);
      }
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('connection closed')));
    return socket;
  }

  private onData(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const headerEnd = this.buffer.indexOf(HEADER_END);
    if (headerEnd < 0 || !this.current) return;
    const head = this.buffer.toString('latin1', 0, headerEnd);
    const length = Number(CONTENT_LENGTH.exec(head)?.[1] ?? 0);
    const bodyStart = headerEnd + HEADER_END.length;
    if (this.buffer.length < bodyStart + length) return;
    const pending = this.current;
    this.current = undefined;
    pending.resolve({ status: Number(head.slice(9, 12)), body: this.buffer.toString('utf8', bodyStart, bodyStart + length) });
    this.buffer = Buffer.alloc(0);
    this.onIdle(this);
  }
}
