import { EventEmitter } from 'node:events';
import type { INestApplicationContext, Logger } from '@nestjs/common';
import type { MessageMappingProperties } from '@nestjs/websockets';
import { from, isObservable, Observable, of } from 'rxjs';
import { MAX_PAYLOAD_DEPTH, nestedDeeperThan } from '../common/payload-depth';
import { WsIoAdapter } from './ws-io.adapter';

/** A server-side socket reduced to what message binding uses: listeners in, emits out. */
class BoundSocket {
  readonly emitted: unknown[][] = [];
  private readonly incoming = new EventEmitter();

  on(event: string, listener: (...args: unknown[]) => void): this {
    this.incoming.on(event, listener);
    return this;
  }

  once(event: string, listener: (...args: unknown[]) => void): this {
    this.incoming.once(event, listener);
    return this;
  }

  off(event: string, listener: (...args: unknown[]) => void): this {
    this.incoming.off(event, listener);
    return this;
  }

  emit(...args: unknown[]): boolean {
    this.emitted.push(args);
    return true;
  }

  /** Plays a client message arriving with `args` (an acknowledgement callback last, if any). */
  receive(event: string, ...args: unknown[]): void {
    this.incoming.emit(event, ...args);
  }

  listenerCount(event: string): number {
    return this.incoming.listenerCount(event);
  }
}

/** What Nest hands the adapter: the handler's result as an observable. */
const transform = (result: unknown): Observable<unknown> =>
  isObservable(result) ? result : result instanceof Promise ? from(result) : of(result);

/** A message handler as Nest's gateway explorer describes it. */
function handler(message: string, callback: (...args: unknown[]) => unknown, isAckHandledManually = false): MessageMappingProperties {
  return { message, methodName: message, callback: callback as MessageMappingProperties['callback'], isAckHandledManually };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

function bind(handlers: MessageMappingProperties[]): { socket: BoundSocket; adapter: WsIoAdapter } {
  const adapter = new WsIoAdapter({} as INestApplicationContext);
  const socket = new BoundSocket();
  adapter.bindMessageHandlers(socket as unknown as Parameters<WsIoAdapter['bindMessageHandlers']>[0], handlers, transform);
  return { socket, adapter };
}

describe('WsIoAdapter message binding', () => {
  it('acknowledges with the handler result, passing the payload', async () => {
    const { socket } = bind([handler('whoami', async (data: unknown) => ({ echoed: data }))]);
    const ack = jest.fn();
    socket.receive('whoami', { a: 1 }, ack);
    await flush();
    expect(ack).toHaveBeenCalledWith({ echoed: { a: 1 } });
  });

  it('passes several arguments as an array, and no argument as undefined', async () => {
    const seen: unknown[] = [];
    const { socket } = bind([handler('m', (data: unknown) => seen.push(data) && null)]);
    socket.receive('m', 1, 2, jest.fn());
    socket.receive('m');
    await flush();
    expect(seen).toEqual([[1, 2], undefined]);
  });

  it('emits a { event, data } result instead of acknowledging it', async () => {
    const { socket } = bind([handler('ping', () => ({ event: 'pong', data: 42 }))]);
    const ack = jest.fn();
    socket.receive('ping', {}, ack);
    await flush();
    expect(socket.emitted).toEqual([['pong', 42]]);
    expect(ack).not.toHaveBeenCalled();
  });

  it('leaves the acknowledgement to handlers that answer it themselves, and sends nothing for an empty result', async () => {
    const { socket } = bind([
      handler('manual', () => 'ignored', true),
      handler('silent', () => undefined),
    ]);
    const ack = jest.fn();
    socket.receive('manual', {}, ack);
    socket.receive('silent', {}, ack);
    await flush();
    expect(ack).not.toHaveBeenCalled();
    expect(socket.emitted).toEqual([]);
  });

  it('logs a failing handler and keeps the event working', async () => {
    let calls = 0;
    const { socket, adapter } = bind([
      handler('flaky', () => {
        calls += 1;
        if (calls === 1) throw new Error('boom');
        return 'fine';
      }),
    ]);
    const logged = jest.spyOn((adapter as unknown as { logger: Logger }).logger, 'error').mockImplementation(() => undefined);
    socket.receive('flaky', {}, jest.fn());
    const ack = jest.fn();
    socket.receive('flaky', {}, ack);
    await flush();
    expect(logged).toHaveBeenCalledWith(expect.objectContaining({ message: 'boom' }));
    expect(ack).toHaveBeenCalledWith('fine');
  });

  it('drops an answer still pending when the socket disconnects, and keeps no listener for answered ones', async () => {
    let resolveSlow!: (value: string) => void;
    const { socket } = bind([
      handler('slow', () => new Promise<string>((resolve) => (resolveSlow = resolve))),
      handler('quick', async () => 'done'),
    ]);
    const quickAck = jest.fn();
    socket.receive('quick', {}, quickAck);
    await flush();
    expect(quickAck).toHaveBeenCalledWith('done');
    expect(socket.listenerCount('disconnect')).toBe(0);

    const slowAck = jest.fn();
    socket.receive('slow', {}, slowAck);
    expect(socket.listenerCount('disconnect')).toBe(1);
    socket.receive('disconnect', 'transport close');
    resolveSlow('too late');
    await flush();
    expect(slowAck).not.toHaveBeenCalled();
  });

  it('refuses a payload nested too deeply before any handler runs, through the ack or as an exception event', async () => {
    const echo = jest.fn((data: unknown) => ({ ok: true, data }));
    const { socket } = bind([handler('echo', echo)]);
    const deep = nest(MAX_PAYLOAD_DEPTH + 1);
    const ack = jest.fn();
    socket.receive('echo', deep, ack);
    socket.receive('echo', deep);
    socket.receive('echo', nest(MAX_PAYLOAD_DEPTH), ack);
    await flush();
    const refusal = { code: 'VALIDATION_FAILED', message: `The payload nests arrays and objects more than ${MAX_PAYLOAD_DEPTH} levels deep` };
    expect(ack.mock.calls).toEqual([[{ ok: false, ...refusal }], [{ ok: true, data: nest(MAX_PAYLOAD_DEPTH) }]]);
    expect(socket.emitted).toEqual([['exception', { status: 'error', ...refusal }]]);
    expect(echo).toHaveBeenCalledTimes(1);
  });

  it('survives an answer Socket.IO cannot send: logged, and the client told INTERNAL_ERROR', async () => {
    const { socket, adapter } = bind([handler('echo', (data: unknown) => ({ ok: true, data }))]);
    const logged = jest.spyOn((adapter as unknown as { logger: Logger }).logger, 'error').mockImplementation(() => undefined);
    socket.receive('echo', 'hi', () => {
      throw new RangeError('Maximum call stack size exceeded');
    });
    await flush();
    expect(logged).toHaveBeenCalledWith(expect.objectContaining({ event: 'echo' }), 'Socket answer could not be sent');
    expect(socket.emitted).toEqual([['exception', { status: 'error', code: 'INTERNAL_ERROR', message: 'Internal error' }]]);
  });
});

/** An array nested `levels` deep: `[[…[]…]]`. */
function nest(levels: number): unknown {
  let value: unknown[] = [];
  for (let level = 1; level < levels; level += 1) value = [value];
  return value;
}

describe('nestedDeeperThan', () => {
  it('counts levels of arrays and objects, whatever their mix', () => {
    expect(nestedDeeperThan('text', 0)).toBe(false);
    expect(nestedDeeperThan({}, 1)).toBe(false);
    expect(nestedDeeperThan({}, 0)).toBe(true);
    expect(nestedDeeperThan({ a: [{ b: 1 }], c: 'x' }, 3)).toBe(false);
    expect(nestedDeeperThan({ a: [{ b: {} }] }, 3)).toBe(true);
    expect(nestedDeeperThan(nest(5_000), MAX_PAYLOAD_DEPTH)).toBe(true);
  });

  it('treats binary data as a leaf', () => {
    expect(nestedDeeperThan({ file: Buffer.alloc(65_536) }, 1)).toBe(false);
    expect(nestedDeeperThan([new Uint8Array(4), new ArrayBuffer(4)], 1)).toBe(false);
  });
});
