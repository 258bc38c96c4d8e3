import { MemoryTicketStore } from './memory-ticket.store';
import { TicketRecord } from './ticket-store.interface';

describe('MemoryTicketStore housekeeping', () => {
  let now = 1_000_000;
  let store: MemoryTicketStore;

  beforeEach(() => {
    jest.useFakeTimers();
    now = 1_000_000;
    store = new MemoryTicketStore(() => now);
  });
  afterEach(() => {
    store.onModuleDestroy();
    jest.useRealTimers();
  });

  const record = (userId: string, ttlMs: number): TicketRecord => ({
    userId,
    permissions: [],
    issuedAt: now,
    expiresAt: now + ttlMs,
    tokenExpiresAt: null,
  });

  it('sweeps expired tickets and tombstones so memory stays bounded', async () => {
    for (let i = 0; i < 100; i++) await store.issue(`hash-${i}`, record(`user-${i}`, 30_000), 5);
    await store.consume('hash-0');
    const internals = store as unknown as { tickets: Map<string, unknown>; tombstones: Map<string, unknown>; byUser: Map<string, unknown> };
    expect(internals.tickets.size).toBe(99);
    expect(internals.tombstones.size).toBe(1);

    now += 30_000 + 60_000 + 1;
    jest.advanceTimersByTime(5_000);

    expect(internals.tickets.size).toBe(0);
    expect(internals.tombstones.size).toBe(0);
    expect(internals.byUser.size).toBe(0);
  });

  it('keeps a tombstone only a grace period past the ticket lifetime', async () => {
    await store.issue('h', record('u', 10_000), 5);
    await store.consume('h');
    now += 10_000 + 59_000;
    expect(await store.consume('h')).toMatchObject({ reason: 'replayed' });
    now += 2_000;
    expect(await store.consume('h')).toEqual({ accepted: false, reason: 'unknown_or_expired' });
  });

  it('stores copies: changing a returned record does not change the stored one', async () => {
    const original = record('u', 10_000);
    await store.issue('h', original, 5);
    original.permissions.push('mutated');
    const outcome = await store.consume('h');
    expect(outcome.accepted && outcome.record.permissions).toEqual([]);
  });
});
