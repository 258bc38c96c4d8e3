import { Injectable } from '@nestjs/common';

/** What the socket layer lends the ticket service. */
export interface SocketSessions {
  /** Sockets connected to this instance. */
  connectedCount(): number;
  /** Disconnects a user's sockets on every instance, telling them why; resolves to how many. */
  disconnectUser(userId: string, reason: string): Promise<number>;
}

/**
 * Meeting point between TicketModule and the socket gateway, so neither module imports the
 * other: the gateway registers itself once it is up; until then there are no sockets.
 */
@Injectable()
export class SocketSessionsRegistry implements SocketSessions {
  private sessions?: SocketSessions;

  register(sessions: SocketSessions): void {
    this.sessions = sessions;
  }

  connectedCount(): number {
    return this.sessions?.connectedCount() ?? 0;
  }

  disconnectUser(userId: string, reason: string): Promise<number> {
    return this.sessions?.disconnectUser(userId, reason) ?? Promise.resolve(0);
  }
}
