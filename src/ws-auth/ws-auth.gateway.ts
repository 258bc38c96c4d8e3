import { UseFilters } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  OnGatewayConnection,
  OnGatewayDisconnect,
  OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import type { Server } from 'socket.io';
import type { WsAuthMethod } from '../config/ws.config';
import { AuthenticatedSocket, expiresAtIso } from './socket-session';
import { RefreshReply, ResumeTicketReply, SocketSessionsService } from './socket-sessions.service';
import { WsExceptionFilter } from './ws-exception.filter';

/** Answer of `whoami`. */
export interface WhoamiReply {
  userId: string;
  email?: string;
  permissions: string[];
  authMethod: WsAuthMethod;
  /** ISO-8601; null for a session without expiry. */
  expiresAt: string | null;
}

/**
 * The session events every client has (CONTRACT §4): `whoami`, `auth:refresh`,
 * `auth:resume-ticket`. Only sockets that passed the handshake middleware get here.
 */
@WebSocketGateway()
@UseFilters(WsExceptionFilter)
export class WsAuthGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect {
  constructor(private readonly sessions: SocketSessionsService) {}

  afterInit(server: Server): void {
    this.sessions.attach(server);
  }

  handleConnection(socket: AuthenticatedSocket): void {
    this.sessions.open(socket);
  }

  handleDisconnect(socket: AuthenticatedSocket): void {
    this.sessions.close(socket);
  }

  @SubscribeMessage('whoami')
  whoami(@ConnectedSocket() socket: AuthenticatedSocket): WhoamiReply {
    const { user, session } = socket.data;
    return { ...user, expiresAt: expiresAtIso(session) };
  }

  @SubscribeMessage('auth:refresh')
  refresh(@ConnectedSocket() socket: AuthenticatedSocket, @MessageBody() payload: unknown): Promise<RefreshReply> {
    return this.sessions.refresh(socket, payload);
  }

  @SubscribeMessage('auth:resume-ticket')
  resumeTicket(@ConnectedSocket() socket: AuthenticatedSocket): Promise<ResumeTicketReply> {
    return this.sessions.resumeTicket(socket);
  }
}
