import { createServer, Server, Socket, connect } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A loopback TCP proxy that can stop forwarding without closing anything, as a hung or
 * partitioned Redis looks to its clients: commands time out while connections stay open.
 * Unlike killing a server, resuming lets clients carry on and close cleanly, so no reconnect
 * timer outlives the test (ioredis keeps one when disconnected mid-reconnect, redis/ioredis#1247).
 */
export class TcpProxy {
  private readonly sockets = new Set<Socket>();
  private readonly held = new Map<Socket, Buffer[]>();
  private forwarding = true;

  private constructor(
    private readonly server: Server,
    private target: { host: string; port: number },
  ) {
    server.on('connection', (client) => this.bridge(client));
  }

  static async start(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
    const server = createServer();
    const proxy = new TcpProxy(server, { host: targetHost, port: targetPort });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Sends new connections to another server, as a load balancer moving traffic; open ones stay where they are. */
  retarget(targetPort: number, targetHost = '127.0.0.1'): void {
    this.target = { host: targetHost, port: targetPort };
  }

  /** Holds every byte in both directions until `resume()`. */
  pause(): void {
    this.forwarding = false;
  }

  resume(): void {
    this.forwarding = true;
    for (const [destination, chunks] of this.held) {
      for (const chunk of chunks) destination.write(chunk);
    }
    this.held.clear();
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private bridge(client: Socket): void {
    const upstream = connect(this.target.port, this.target.host);
    for (const [from, to] of [[client, upstream], [upstream, client]] as const) {
      this.sockets.add(from);
      from.on('data', (chunk: Buffer) => {
        if (this.forwarding) to.write(chunk);
        else this.held.set(to, [...(this.held.get(to) ?? []), chunk]);
      });
      from.on('close', () => {
        this.sockets.delete(from);
        to.destroy();
      });
      from.on('error', () => to.destroy());
    }
  }
}
