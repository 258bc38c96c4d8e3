import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Socket } from 'socket.io';
import type { HandshakeIdentity, WsAuthService } from './ws-auth.service';
import type { SocketData } from './socket-session';
import { WsAuthException } from './ws-auth.exception';
import type { WsErrorBody } from './ws-error-code';

/** A Socket.IO middleware error: the client's `connect_error` gets its `message` and `data`. */
export type ConnectError = Error & { data: WsErrorBody };

/** The edge where refusals become `connect_error`s: `err.message` is the code, `err.data` is `{ code, message }`. */
export function toConnectError(error: unknown): ConnectError {
  const refusal = error instanceof WsAuthException ? error : new WsAuthException('AUTH_UNAVAILABLE');
  return Object.assign(new Error(refusal.code), { data: refusal.toBody() });
}

/** What the socket carries once its handshake is accepted. */
export function socketDataFor({ method, identity }: HandshakeIdentity): SocketData {
  return {
    user: {
      userId: identity.userId,
      ...(identity.email !== undefined ? { email: identity.email } : {}),
      permissions: identity.permissions,
      authMethod: method,
    },
    session: {
      id: identity.sessionId ?? randomUUID(),
      expiresAt: identity.tokenExpiresAt === null ? null : identity.tokenExpiresAt * 1000,
      ...(identity.publicKey ? { publicKey: identity.publicKey } : {}),
    },
  };
}

/** Socket.IO middleware authenticating every namespace connection before `connection` fires. */
export function handshakeMiddleware(auth: WsAuthService): (socket: Socket, next: (error?: Error) => void) => void {
  const logger = new Logger('WsHandshake');
  return (socket, next) => {
    auth.authenticate(socket.handshake).then(
      (accepted) => {
        socket.data = socketDataFor(accepted);
        next();
      },
      (error: unknown) => {
        if (!(error instanceof WsAuthException)) logger.error({ err: error }, 'Socket handshake failed unexpectedly');
        next(toConnectError(error));
      },
    );
  };
}
