import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { MessageMappingProperties } from '@nestjs/websockets';
import { defer, Observable } from 'rxjs';
import { Server } from 'socket.io';
import { MAX_PAYLOAD_DEPTH, nestedDeeperThan } from '../common/payload-depth';
import { WS_ERROR_MESSAGES } from './ws-error-code';
import { WsServerSetup } from './ws-server.setup';

/** Nest's IoAdapter types come from its own pinned copy of socket.io; ours is the package's dependency. */
type NestIoServer = ReturnType<IoAdapter['createIOServer']>;
type NestIoOptions = Parameters<IoAdapter['createIOServer']>[1];
type NestIoSocket = Parameters<IoAdapter['bindMessageHandlers']>[0];

/**
 * Nest's Socket.IO adapter with Ticketgate's server: built from the `socket.io` this package
 * depends on (the version socket.io-client and the Redis adapter are tested with, rather than
 * the copy @nestjs/platform-socket.io pins), configured by `WsServerSetup`: options, Redis
 * adapter, handshake middleware. Install with `app.useWebSocketAdapter(new WsIoAdapter(app))`
 * before `init()`.
 *
 * Message handlers are bound with one plain listener per event instead of Nest's RxJS pipeline
 * per event and socket (`fromEvent`, `mergeMap`, `takeUntil`), which an idle socket would carry
 * for its whole life: the same dispatch — each message handled on its own, a failure logged
 * without silencing the event, the answer acknowledged or emitted — in a fraction of the memory.
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

  override bindMessageHandlers(socket: NestIoSocket, handlers: MessageMappingProperties[], transform: (data: unknown) => Observable<unknown>): void {
    for (const { message, callback, isAckHandledManually } of handlers) {
      socket.on(message as string, (...args: unknown[]) => {
        const { data, ack } = this.mapPayload(args.length > 1 ? args : args[0]);
        if (nestedDeeperThan(data, MAX_PAYLOAD_DEPTH)) {
          const refusal = { code: 'VALIDATION_FAILED', message: `The payload nests arrays and objects more than ${MAX_PAYLOAD_DEPTH} levels deep` } as const;
          if (typeof ack === 'function') (ack as (answer: unknown) => void)({ ok: false, ...refusal });
          else socket.emit('exception', { status: 'error', ...refusal });
          return;
        }
        const answering = defer(() => transform(callback(data, ack))).subscribe({
          next: (response) => {
            if (response === null || response === undefined) return;
            const { event, data: payload } = response as { event?: string; data?: unknown };
            // An answer Socket.IO cannot encode must not escape into RxJS, which rethrows it
            // outside any handler and so would end the process.
            try {
              if (event) socket.emit(event, payload);
              else if (!isAckHandledManually && typeof ack === 'function') (ack as (answer: unknown) => void)(response);
            } catch (error) {
              this.logger.error({ err: error, event: message }, 'Socket answer could not be sent');
              socket.emit('exception', { status: 'error', code: 'INTERNAL_ERROR', message: WS_ERROR_MESSAGES.INTERNAL_ERROR });
            }
          },
          error: (error: unknown) => this.logger.error(error),
        });
        // An answer still pending when the socket goes is dropped, as Nest's takeUntil(disconnect) does.
        if (!answering.closed) {
          const drop = () => answering.unsubscribe();
          socket.once('disconnect', drop);
          answering.add(() => socket.off('disconnect', drop));
        }
      });
    }
  }
}
