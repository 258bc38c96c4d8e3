import { WS_ERROR_MESSAGES, WsErrorBody, WsErrorCode } from './ws-error-code';

/**
 * A socket authentication or authorization failure with a stable code from CONTRACT §4.
 * Raised anywhere in the socket layer and mapped once at the edge: to a `connect_error` by the
 * handshake middleware, to an error ack by `WsExceptionFilter`.
 */
export class WsAuthException extends Error {
  constructor(
    readonly code: WsErrorCode,
    /** Client-safe detail; defaults to the code's standard message. */
    readonly detail: string = WS_ERROR_MESSAGES[code],
    options?: { cause?: unknown },
  ) {
    super(detail, options);
    this.name = 'WsAuthException';
  }

  /** The `{ code, message }` a client is shown. */
  toBody(): WsErrorBody {
    return { code: this.code, message: this.detail };
  }
}
