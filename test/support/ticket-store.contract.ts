import { hashTicket, mintTicket } from '../../src/tickets/ticket-codec';
import { TicketRecord, TicketStore } from '../../src/tickets/ticket-store.interface';

export interface StoreHarness {
  store: TicketStore;
  close(): Promise<void>;
}

export function record(userId: string, ttlMs = 60_000, extra: Partial<TicketRecord> = {}): TicketRecord {
  const issuedAt = Date.now();
  return { userId, permissions: ['chat:read'], issuedAt, expiresAt: issuedAt + ttlMs, tokenExpiresAt: null, ...extra };
}

export function newHash(): string {
  return hashTicket(mintTicket());
}

/** The one contract every store must honour; each store's spec runs it. */
export function describeTicketStoreContract(name: string, create: () => Promise<StoreHarness>): void {
  describe(`TicketStore contract: ${name}`, () => {
    let harness: StoreHarness;
    let store: TicketStore;
    let user = 0;
    const nextUser = () => `user-${++user}-${Math.random().toString(36).slice(2)}`;

    beforeAll(async () => {
      harness = await create();
      store = harness.store;
    });
    afterAll(() => harness.close());

    it('returns the stored record once, then reports a replay', async () => {
      const hash = newHash();
      const userId = nextUser();
      const stored = record(userId, 60_000, { email: 'a@example.com', metadata: { room: 'lobby' } });
      expect(await store.issue(hash, stored, 20)).toEqual({ issued: true });

      expect(await store.consume(hash)).toEqual({ accepted: true, record: stored });
      expect(await store.consume(hash)).toEqual({ accepted: false, reason: 'replayed', userId });
    });

    it('reports an unknown ticket as unknown_or_expired', async () => {
      expect(await store.consume(newHash())).toEqual({ accepted: false, reason: 'unknown_or_expired' });
    });

    it('expires tickets by the store clock', async () => {
      const hash = newHash();
      await store.issue(hash, record(nextUser(), 1_000), 20);
      await new Promise((resolve) => setTimeout(resolve, 1_200));
      expect(await store.consume(hash)).toEqual({ accepted: false, reason: 'unknown_or_expired' });
    });

    it('accepts a ticket exactly once under 200 concurrent consumers', async () => {
      const hash = newHash();
      await store.issue(hash, record(nextUser()), 20);
      const outcomes = await Promise.all(Array.from({ length: 200 }, () => store.consume(hash)));
      expect(outcomes.filter((outcome) => outcome.accepted)).toHaveLength(1);
      expect(outcomes.filter((outcome) => !outcome.accepted && outcome.reason === 'replayed')).toHaveLength(199);
    });

    it('caps unconsumed tickets per user and frees a slot when one is consumed', async () => {
      const userId = nextUser();
      const hashes = [newHash(), newHash(), newHash()];
      for (const hash of hashes) expect(await store.issue(hash, record(userId), 3)).toEqual({ issued: true });

      const refused = await store.issue(newHash(), record(userId), 3);
      expect(refused).toMatchObject({ issued: false, reason: 'too_many_active' });
      if (!refused.issued) expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(59);

      await store.consume(hashes[0]);
      expect(await store.issue(newHash(), record(userId), 3)).toEqual({ issued: true });
      expect(await store.issue(newHash(), record(nextUser()), 3)).toEqual({ issued: true });
    });

    it('limits generation per user per minute, stores nothing past the limit, and says when to retry', async () => {
      const userId = nextUser();
      for (let i = 0; i < 3; i++) expect(await store.issue(newHash(), record(userId), 20, 3)).toEqual({ issued: true });
      const hash = newHash();
      const refused = await store.issue(hash, record(userId), 20, 3);
      expect(refused).toMatchObject({ issued: false, reason: 'rate_limited' });
      if (!refused.issued) {
        expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(1);
        expect(refused.retryAfterSeconds).toBeLessThanOrEqual(60);
      }
      expect(await store.consume(hash)).toEqual({ accepted: false, reason: 'unknown_or_expired' });
      expect(await store.issue(newHash(), record(nextUser()), 20, 3)).toEqual({ issued: true });
      expect(await store.issue(newHash(), record(userId), 20)).toEqual({ issued: true });
    });

    it('does not count expired tickets against the cap', async () => {
      const userId = nextUser();
      await store.issue(newHash(), record(userId, 1_000), 1);
      expect((await store.issue(newHash(), record(userId), 1)).issued).toBe(false);
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      expect(await store.issue(newHash(), record(userId), 1)).toEqual({ issued: true });
    });

    it('revokes only for the owner (or an admin) and leaves a revoked tombstone', async () => {
      const owner = nextUser();
      const hash = newHash();
      await store.issue(hash, record(owner), 20);

      expect(await store.revoke(hash, 'someone-else')).toBe(false);
      expect(await store.revoke(hash, owner)).toBe(true);
      expect(await store.revoke(hash, owner)).toBe(false);
      expect(await store.consume(hash)).toEqual({ accepted: false, reason: 'revoked', userId: owner });

      const other = newHash();
      await store.issue(other, record(owner), 20);
      expect(await store.revoke(other, null)).toBe(true);
    });

    it('revokes every unconsumed ticket of one user and no one else', async () => {
      const userId = nextUser();
      const bystander = nextUser();
      const mine = [newHash(), newHash(), newHash()];
      const theirs = newHash();
      for (const hash of mine) await store.issue(hash, record(userId), 20);
      await store.issue(theirs, record(bystander), 20);
      await store.consume(mine[0]);

      expect(await store.revokeAllForUser(userId)).toBe(2);
      expect(await store.consume(mine[1])).toMatchObject({ accepted: false, reason: 'revoked' });
      expect((await store.consume(theirs)).accepted).toBe(true);
      expect(await store.revokeAllForUser(userId)).toBe(0);
      expect(await store.issue(newHash(), record(userId), 1)).toEqual({ issued: true });
    });

    it('answers a ping with a latency', async () => {
      expect(await store.ping()).toBeGreaterThanOrEqual(0);
    });
  });
}
