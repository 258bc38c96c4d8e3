import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import cors from 'cors';
import { type IncomingMessage, ServerResponse } from 'node:http';
import type { Server, ServerOptions } from 'socket.io';
import { WebSocketServer, ServerOptions as WebSocketServerOptions } from 'ws';
import type { AllConfig } from '../config';
import { AUTH_TOLERANT_PARSER } from './auth-tolerant.parser';
import { selectSubprotocol } from './presented-credential';
import { HandshakeRateLimiter } from './handshake-rate-limiter';
import { RedisPubSub } from './redis-pub-sub';
import { SocketSessionsService } from './socket-sessions.service';
import { handshakeMiddleware } from './ws-handshake.middleware';
import { WsAuthService } from './ws-auth.service';

/** Largest Socket.IO packet accepted; handshake credentials are a few KiB at most. */
const MAX_PACKET_BYTES = 64 * 1024;
/** How long a cross-instance request (fetchSockets) waits for the other instances. */
const ADAPTER_REQUESTS_TIMEOUT_MS = 3_000;

/**
 * CORS for the long-polling transport only. Browsers do not apply CORS to a WebSocket upgrade
 * (the handshake checks its Origin itself), so upgrades skip the headers nobody would read.
 * Listed origins may send credentials (load-balancer stickiness cookies). Any other origin may
 * read the responses, without credentials, only so that its page learns why it is refused: the
 * handshake middleware answers it FORBIDDEN_ORIGIN, which a browser would otherwise hide behind
 * a CORS failure ("xhr poll error"). That is no more than it reads over WebSocket.
 */
function corsForPolling(allowedOrigins: readonly string[]): (req: IncomingMessage, res: ServerResponse, next: (error?: Error) => void) => void {
  const listed = new Set(allowedOrigins);
  const applyCors = cors<IncomingMessage>((req, callback) => {
    const origin = req.headers.origin?.toLowerCase();
    callback(null, origin !== undefined && listed.has(origin) ? { origin: true, credentials: true } : { origin: true });
  });
  // engine.io hands upgrades a stand-in response of its own; only real HTTP responses get CORS.
  return (req, res, next) => (res instanceof ServerResponse ? applyCors(req, res, next) : next());
}

/** ws's server selecting the subprotocol itself, so a `bearer.<JWT>` offer is never echoed. */
class SubprotocolSelectingServer extends WebSocketServer {
  constructor(options: WebSocketServerOptions) {
    super({ ...options, handleProtocols: selectSubprotocol });
  }
}

/**
 * Everything the Socket.IO server needs beyond Nest's defaults, applied by `WsIoAdapter`:
 * options (path, CORS for long polling, packet size, subprotocol selection, parser), the Redis adapter
 * when Redis is configured (it also carries the failed-handshake limiter's blocks and revocations), and the handshake middleware on every namespace, so a client that
 * fails authentication never reaches `connection`. Closes the adapter's Redis connections.
 */
@Injectable()
export class WsServerSetup implements OnApplicationShutdown {
  private pubSub?: RedisPubSub;

  constructor(
    private readonly config: ConfigService<AllConfig, true>,
    private readonly auth: WsAuthService,
    private readonly limiter: HandshakeRateLimiter,
    private readonly sessions: SocketSessionsService,
  ) {}

  serverOptions(): Partial<ServerOptions> {
    return {
      path: '/socket.io',
      maxHttpBufferSize: MAX_PACKET_BYTES,
      // CORS is not set here (engine.io would run it on WebSocket upgrades too): see configure().
      wsEngine: SubprotocolSelectingServer,
      // A handshake whose auth is not an object gets a connect_error instead of a dropped connection.
      parser: AUTH_TOLERANT_PARSER,
    };
  }

  configure(server: Server): void {
    server.engine.use(corsForPolling(this.config.get('ws.allowedOrigins', { infer: true })));
    const redis = this.config.get('redis', { infer: true });
    if (redis.mode) {
      this.pubSub ??= new RedisPubSub(redis);
      server.adapter(this.pubSub.adapter(redis.keyPrefix, ADAPTER_REQUESTS_TIMEOUT_MS));
      this.limiter.shareBlocksThrough(server.sockets);
      this.sessions.relayRevocationsThrough(server.sockets);
    }
    const middleware = handshakeMiddleware(this.auth);
    server.use(middleware);
    // Namespaces created later (by other gateways) are guarded too, never open by accident.
    server.on('new_namespace', (namespace) => namespace.use(middleware));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pubSub?.close();
  }
}
