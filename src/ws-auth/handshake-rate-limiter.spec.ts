import { EventEmitter } from 'node:events';
import type { ConfigService } from '@nestjs/config';
import type { Namespace } from 'socket.io';
import type { AllConfig } from '../config';
import { FAILED_ATTEMPTS_WINDOW_MS } from './failed-attempts.store';
import { ADDRESS_BLOCKED_EVENT, HandshakeRateLimiter } from './handshake-rate-limiter';

/** A namespace whose server-side emits are recorded instead of sent to other instances. */
class PeerNamespace extends EventEmitter {
  readonly sent: unknown[][] = [];
  serverSideEmit(...args: unknown[]): boolean {
    this.sent.push(args);
    return true;
  }
}

function limiterWith(limit: number): { limiter: HandshakeRateLimiter; peers: PeerNamespace } {
  const config = { get: (key: string) => (key === 'ws.failedHandshakesPerMinute' ? limit : 'test:') } as unknown as ConfigService<AllConfig, true>;
  const limiter = new HandshakeRateLimiter(null, config);
  const peers = new PeerNamespace();
  limiter.shareBlocksThrough(peers as unknown as Namespace);
  return { limiter, peers };
}

describe('HandshakeRateLimiter', () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => jest.useRealTimers());

  it('blocks an address once its failures reach the limit, until the window closes', async () => {
    const { limiter } = limiterWith(3);
    await limiter.recordFailure('198.51.100.7');
    await limiter.recordFailure('198.51.100.7');
    expect(limiter.isLimited('198.51.100.7')).toBe(false);
    await limiter.recordFailure('198.51.100.7');
    expect(limiter.isLimited('198.51.100.7')).toBe(true);
    expect(limiter.isLimited('198.51.100.8')).toBe(false);

    jest.advanceTimersByTime(FAILED_ATTEMPTS_WINDOW_MS - 1);
    expect(limiter.isLimited('198.51.100.7')).toBe(true);
    jest.advanceTimersByTime(1);
    expect(limiter.isLimited('198.51.100.7')).toBe(false);
  });

  it('tells the other instances once, when the limit is reached', async () => {
    const { limiter, peers } = limiterWith(2);
    await limiter.recordFailure('198.51.100.7');
    expect(peers.sent).toEqual([]);
    await limiter.recordFailure('198.51.100.7');
    await limiter.recordFailure('198.51.100.7');
    expect(peers.sent).toEqual([[ADDRESS_BLOCKED_EVENT, '198.51.100.7', FAILED_ATTEMPTS_WINDOW_MS]]);
  });

  it('blocks an address another instance reported, for the time it said', () => {
    const { limiter, peers } = limiterWith(5);
    peers.emit(ADDRESS_BLOCKED_EVENT, '203.0.113.9', 10_000);
    expect(limiter.isLimited('203.0.113.9')).toBe(true);
    jest.advanceTimersByTime(10_000);
    expect(limiter.isLimited('203.0.113.9')).toBe(false);
  });

  it.each([
    ['a non-string address', 42, 1_000],
    ['an empty address', '', 1_000],
    ['an oversized address', 'x'.repeat(300), 1_000],
    ['a negative duration', '203.0.113.9', -5],
    ['a non-numeric duration', '203.0.113.9', '1000'],
  ])('ignores a report with %s', (_case, address, resetInMs) => {
    const { limiter, peers } = limiterWith(5);
    peers.emit(ADDRESS_BLOCKED_EVENT, address, resetInMs);
    expect(limiter.isLimited(String(address))).toBe(false);
  });

  it('never blocks for longer than one window, whatever a report says', () => {
    const { limiter, peers } = limiterWith(5);
    peers.emit(ADDRESS_BLOCKED_EVENT, '203.0.113.9', 10 * FAILED_ATTEMPTS_WINDOW_MS);
    jest.advanceTimersByTime(FAILED_ATTEMPTS_WINDOW_MS);
    expect(limiter.isLimited('203.0.113.9')).toBe(false);
  });
});
