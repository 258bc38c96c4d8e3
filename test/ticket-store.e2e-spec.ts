import { Redis } from 'ioredis';
import { CoalescingRedis } from '../src/redis/coalescing-redis';
import { MemoryTicketStore } from '../src/tickets/memory-ticket.store';
import { RedisTicketStore } from '../src/tickets/redis-ticket.store';
import { hashTicket, mintTicket } from '../src/tickets/ticket-codec';
import { LOCAL_REDIS_URL, uniquePrefix } from './support/test-app';
import { describeTicketStoreContract, record, StoreHarness } from './support/ticket-store.contract';

const harnesses: Array<[string, () => Promise<StoreHarness>]> = [
  [
    'memory',
    async () => {
      const store = new MemoryTicketStore();
      return { store, close: async () => store.onModuleDestroy() };
    },
  ],
  [
    'redis',
    async () => {
      const redis = new Redis(LOCAL_REDIS_URL);
      return { store: new RedisTicketStore(redis, uniquePrefix('store')), close: async () => void (await redis.quit()) };
    },
  ],
  [
    // The client the service runs with: one write per event-loop turn.
    'redis, writes batched per turn',
    async () => {
      const redis = new CoalescingRedis(LOCAL_REDIS_URL);
      return { store: new RedisTicketStore(redis, uniquePrefix('store')), close: async () => void (await redis.quit()) };
    },
  ],
];

for (const [name, create] of harnesses) describeTicketStoreContract(name, create);

describe('RedisTicketStore keyspace', () => {
  let redis: Redis;
  const prefix = uniquePrefix('keys');

  beforeAll(() => {
    redis = new Redis(LOCAL_REDIS_URL);
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });

  it('writes only prefixed keys, never the ticket itself, and lets the user index expire', async () => {
    const store = new RedisTicketStore(redis, prefix);
    const ticket = mintTicket();
    await store.issue(hashTicket(ticket), record('keys-user', 5_000), 20);

    const keys = await redis.keys(`${prefix}*`);
    expect(keys).toHaveLength(2);
    const index = keys.find((key) => key.includes(':user:'))!;
    // Key names are fixed (SHA-1 of the user id, SHA-256 of the ticket), so one release finds
    // what another wrote during a rolling deploy.
    expect(index).toContain(':user:{86b3c88b3f2c54da0150b6f33dae31e1f6021559}');
    expect(keys.some((key) => key.includes(hashTicket(ticket)))).toBe(true);
    expect(await redis.pttl(index)).toBeGreaterThan(0);
    expect(await redis.pttl(index)).toBeLessThanOrEqual(5_000);
    for (const key of keys) expect(key).not.toContain(ticket.slice(4));
  });
});
