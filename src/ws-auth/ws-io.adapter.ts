import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { Server } from 'socket.io';
import { WsServerSetup } from './ws-server.setup';

/** Nest's IoAdapter types come from its own pinned copy of socket.io; ours is the package's dependency. */
type NestIoServer = ReturnType<IoAdapter['createIOServer']>;
type NestIoOptions = Parameters<IoAdapter['createIOServer']>[1];

/**
 * Nest's Socket.IO adapter with Ticketgate's server: built from the `socket.io` this package
 * depends on (the version socket.io-client and the Redis adapter are tested with, rather than
 * the copy @nestjs/platform-socket.io pins), configured by `WsServerSetup`: options, Redis
 * adapter, handshake middleware. Install with `app.useWebSocketAdapter(new WsIoAdapter(app))`
 * before `init()`.
 */
export class WsIoAdapter extends IoAdapter {
  constructor(private readonly app: INestApplicationContext) {
    super(app);
  }

  override createIOServer(port: number, options?: NestIoOptions): NestIoServer {
    const setup = this.app.get(WsServerSetup);
    const merged = { ...(options as object), ...setup.serverOptions() };
    const server = this.httpServer && port === 0 ? new Server(this.httpServer, merged) : new Server(port, merged);
    setup.configure(server);
    return server as unknown as NestIoServer;
  }
}
