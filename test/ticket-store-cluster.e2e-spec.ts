import { Cluster } from 'ioredis';
import { RedisClusterTicketStore } from '../src/tickets/redis-ticket.store';
import { RedisCluster } from './support/redis-cluster';
import { uniquePrefix } from './support/test-app';
import { describeTicketStoreContract } from './support/ticket-store.contract';

let cluster: RedisCluster;

beforeAll(async () => {
  cluster = await RedisCluster.start();
}, 60_000);
afterAll(() => cluster.stop());

function connect(): Cluster {
  return new Cluster(cluster.addresses.map((address) => ({ host: '127.0.0.1', port: Number(address.split(':')[1]) })));
}

describeTicketStoreContract('redis cluster (three primaries)', async () => {
  const client = connect();
  return { store: new RedisClusterTicketStore(client, uniquePrefix('cluster')), close: async () => client.disconnect() };
});

describe('RedisClusterTicketStore key placement', () => {
  it('puts a ticket and its tombstone in one slot and the user index elsewhere', async () => {
    const client = connect();
    try {
      const slotOf = async (key: string) => Number(await client.cluster('KEYSLOT', key));
      expect(await slotOf('p:ticket:{abc}')).toBe(await slotOf('p:tomb:{abc}'));
      const owners = new Set<number>();
      for (let i = 0; i < 30; i++) owners.add(Math.floor((await slotOf(`p:ticket:{h${i}}`)) / 5462));
      expect(owners.size).toBe(3);
    } finally {
      client.disconnect();
    }
  });
});
