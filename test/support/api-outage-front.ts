import { createServer, IncomingMessage, Server } from 'node:http';
import { connect, Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';

/** How the front answers plain HTTP requests: `503` as a proxy whose upstream is down, or not at all. */
export type OutageMode = 'http-503' | 'unreachable';

/**
 * A reverse proxy in front of the app whose route to the REST API is down while WebSocket
 * traffic still passes: every plain HTTP request is answered 503 (or, `unreachable`, its
 * connection is dropped without an answer), every WebSocket upgrade is piped to the app.
 * Clients behind it must use the `websocket` transport. It counts the HTTP requests it refused.
 */
export class ApiOutageFront {
  /** `METHOD /path` of every plain HTTP request, in order. */
  readonly requests: string[] = [];
  private readonly sockets = new Set<Duplex>();

  private constructor(
    private readonly server: Server,
    private readonly target: { host: string; port: number },
    private readonly mode: OutageMode,
  ) {
    server.on('connection', (socket) => this.track(socket));
    server.on('request', (request, response) => {
      this.requests.push(`${request.method} ${request.url}`);
      if (this.mode === 'unreachable') {
        request.socket.destroy();
        return;
      }
      response.writeHead(503, { 'Content-Type': 'text/plain', Connection: 'close' }).end('Service Unavailable');
    });
    server.on('upgrade', (request, socket, head) => this.pipe(request, socket, head));
  }

  static async start(appUrl: string, mode: OutageMode): Promise<ApiOutageFront> {
    const { hostname, port } = new URL(appUrl);
    const front = new ApiOutageFront(createServer(), { host: hostname, port: Number(port) }, mode);
    await new Promise<void>((resolve) => front.server.listen(0, '127.0.0.1', resolve));
    return front;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Requests to the ticket endpoint the front refused. */
  get ticketRequests(): number {
    return this.requests.filter((line) => line.startsWith('POST /api/v1/websocket/ticket')).length;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Replays the upgrade request to the app, then joins the two connections. */
  private pipe(request: IncomingMessage, client: Duplex, head: Buffer): void {
    const upstream = this.track(connect(this.target.port, this.target.host));
    const headers = [];
    for (let i = 0; i < request.rawHeaders.length; i += 2) headers.push(`${request.rawHeaders[i]}: ${request.rawHeaders[i + 1]}`);
    upstream.write(`${request.method} ${request.url} HTTP/1.1\r\n${headers.join('\r\n')}\r\n\r\n`);
    if (head.length > 0) upstream.write(head);
    upstream.pipe(client).pipe(upstream);
    for (const [from, to] of [[client, upstream], [upstream, client]] as const) {
      from.on('close', () => to.destroy());
      from.on('error', () => to.destroy());
    }
  }

  private track<S extends Socket | Duplex>(socket: S): S {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    return socket;
  }
}
