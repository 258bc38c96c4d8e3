import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import { WsException } from '@nestjs/websockets';
import type { Socket } from 'socket.io';
import { DomainException } from '../common/errors';
import { WsAuthException } from './ws-auth.exception';
import { WS_ERROR_MESSAGES, WsErrorBody, WsErrorCode } from './ws-error-code';

const NEST_GUARD_REFUSAL = 'Forbidden resource';

/**
 * The one place a failing socket handler becomes a reply: `{ ok: false, code }` through the
 * ack when the client asked for one, else an `exception` event `{ status: 'error', code,
 * message }`. The socket stays connected. Unknown errors are logged and answered generically.
 */
@Catch()
export class WsExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(WsExceptionFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const body = this.toBody(exception);
    // Nest calls socket handlers with (socket, data, ack, pattern).
    const ack: unknown = host.getArgByIndex(2);
    if (typeof ack === 'function') {
      ack({ ok: false, code: body.code });
      return;
    }
    host.switchToWs().getClient<Socket>().emit('exception', { status: 'error', ...body });
  }

  private toBody(exception: unknown): WsErrorBody {
    if (exception instanceof WsAuthException) return exception.toBody();
    if (exception instanceof DomainException && exception.code in WS_ERROR_MESSAGES) {
      return { code: exception.code as WsErrorCode, message: exception.message };
    }
    // What Nest throws when a guard returns false.
    if (exception instanceof WsException && exception.getError() === NEST_GUARD_REFUSAL) {
      return { code: 'FORBIDDEN', message: WS_ERROR_MESSAGES.FORBIDDEN };
    }
    this.logger.error({ err: exception }, 'Socket handler failed');
    return { code: 'INTERNAL_ERROR', message: WS_ERROR_MESSAGES.INTERNAL_ERROR };
  }
}
