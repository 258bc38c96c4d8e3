import { Logger } from '@nestjs/common';
import { GracefulShutdownService } from './graceful-shutdown.service';
import { ShutdownState } from './shutdown-state';

describe('ShutdownState', () => {
  it('begins once and remembers the cause', () => {
    const state = new ShutdownState();
    expect(state.isShuttingDown).toBe(false);
    expect(state.begin('SIGTERM')).toBe(true);
    expect(state.begin('SIGINT')).toBe(false);
    expect({ shutting: state.isShuttingDown, cause: state.cause }).toEqual({ shutting: true, cause: 'SIGTERM' });
  });

  it('runs every drain listener once, even when one fails, and forgets unregistered ones', async () => {
    const error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const state = new ShutdownState();
    const calls: string[] = [];
    state.onDrain(async () => {
      calls.push('a');
      throw new Error('boom');
    });
    state.onDrain(() => {
      calls.push('b');
    });
    const unregister = state.onDrain(() => {
      calls.push('never');
    });
    unregister();
    expect(state.drainListenerCount).toBe(2);

    await state.runDrainListeners();
    await state.runDrainListeners();
    expect(calls).toEqual(['a', 'b']);
    expect(error).toHaveBeenCalledTimes(1);
    error.mockRestore();
  });
});

describe('GracefulShutdownService', () => {
  const log = jest.spyOn(Logger.prototype, 'log');
  beforeAll(() => log.mockImplementation(() => undefined));
  afterAll(() => log.mockRestore());

  function service(drainMs: number) {
    const state = new ShutdownState();
    let listenerRanAt: number | undefined;
    state.onDrain(() => {
      listenerRanAt = Date.now();
    });
    return { state, shutdown: new GracefulShutdownService(state, { drainMs, timeoutMs: drainMs + 1_000 }), ranAt: () => listenerRanAt };
  }

  it('on SIGTERM: marks the state, waits the drain delay, then runs the drain listeners', async () => {
    const { state, shutdown, ranAt } = service(120);
    const started = Date.now();
    const before = shutdown.beforeApplicationShutdown('SIGTERM');
    expect(state.isShuttingDown).toBe(true);
    expect(ranAt()).toBeUndefined();
    await before;
    expect(ranAt()! - started).toBeGreaterThanOrEqual(115);
  });

  it.each([[undefined, 'close'], ['SIGINT', 'SIGINT']])('on %s: runs the drain listeners without waiting', async (signal, cause) => {
    const { state, shutdown, ranAt } = service(5_000);
    const started = Date.now();
    await shutdown.beforeApplicationShutdown(signal);
    expect(state.cause).toBe(cause);
    expect(ranAt()! - started).toBeLessThan(100);
  });
});
