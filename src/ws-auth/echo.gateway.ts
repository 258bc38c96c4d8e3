import { UseFilters, UseGuards } from '@nestjs/common';
import { MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { RequirePermissions } from '../auth/permissions.decorator';
import { WsAuthGuard } from './ws-auth.guard';
import { WsExceptionFilter } from './ws-exception.filter';

export const CHAT_WRITE_PERMISSION = 'chat:write';

/**
 * The example of a permission-guarded handler: `echo` answers `{ ok: true, data }` to sockets
 * holding `chat:write` and `{ ok: false, code: 'FORBIDDEN' }` to others, which stay connected.
 * Copy its three decorators for your own events.
 */
@WebSocketGateway()
@UseGuards(WsAuthGuard)
@UseFilters(WsExceptionFilter)
export class EchoGateway {
  @SubscribeMessage('echo')
  @RequirePermissions(CHAT_WRITE_PERMISSION)
  echo(@MessageBody() data: unknown): { ok: true; data: unknown } {
    return { ok: true, data };
  }
}
