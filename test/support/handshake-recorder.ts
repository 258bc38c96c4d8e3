import type { Server } from 'socket.io';
import { WsServerSetup } from '../../src/ws-auth/ws-server.setup';

/**
 * Records, server side, the `auth` of every Socket.IO handshake of apps created while installed
 * (accepted or refused: it runs before the authentication middleware), and keeps the Socket.IO
 * servers so a test can drop their connections. Install before `createTestApp`, `restore()` after.
 */
export class HandshakeRecorder {
  readonly handshakes: Array<Record<string, unknown>> = [];
  readonly servers: Server[] = [];
  private readonly spy: jest.SpyInstance;

  private constructor() {
    const configure = WsServerSetup.prototype.configure;
    const recorder = this;
    this.spy = jest.spyOn(WsServerSetup.prototype, 'configure').mockImplementation(function (this: WsServerSetup, server: Server) {
      recorder.servers.push(server);
      server.use((socket, next) => {
        recorder.handshakes.push({ ...(socket.handshake.auth as Record<string, unknown>) });
        next();
      });
      configure.call(this, server);
    });
  }

  static install(): HandshakeRecorder {
    return new HandshakeRecorder();
  }

  /** The tickets presented so far, in order. */
  get tickets(): string[] {
    return this.handshakes.map((auth) => auth.ticket).filter((ticket): ticket is string => typeof ticket === 'string');
  }

  /** Closes every live connection's transport, as a network failure would: clients see `transport close`. */
  dropConnections(): number {
    let dropped = 0;
    for (const server of this.servers) {
      for (const socket of server.sockets.sockets.values()) {
        socket.conn.close();
        dropped++;
      }
    }
    return dropped;
  }

  restore(): void {
    this.spy.mockRestore();
  }
}
