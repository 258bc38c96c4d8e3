import { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { RedisCluster } from './support/redis-cluster';
import { createTestApp, uniquePrefix } from './support/test-app';
import { bearer, devToken } from './support/tokens';
import { ask, ConnectError, issueTicket, listen, nextEvent, SocketClients } from './support/ws-client';

describe('Two instances on a three-primary Redis Cluster', () => {
  let cluster: RedisCluster;
  let apps: NestFastifyApplication[] = [];
  let urls: string[];
  const clients = new SocketClients({ transports: ['websocket'] });
  const alice = devToken({ sub: 'alice', permissions: ['chat:write', 'tickets:validate'] });

  beforeAll(async () => {
    cluster = await RedisCluster.start();
    const env = { REDIS_CLUSTER_NODES: cluster.addresses.join(','), REDIS_KEY_PREFIX: uniquePrefix('ws-redis-cluster'), TICKET_MAX_ACTIVE_PER_USER: '3' };
    apps = await Promise.all([createTestApp(env), createTestApp(env)]);
    urls = await Promise.all(apps.map(listen));
  }, 60_000);
  afterEach(() => clients.closeAll());
  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
    await cluster?.stop();
  });

  it('reports the cluster healthy', async () => {
    const res = await request(apps[0].getHttpServer()).get('/health').expect(200);
    expect(res.body.info.redis.status).toBe('up');
  });

  it('accepts on one instance a ticket minted on the other, exactly once across a race', async () => {
    const { ticket } = await issueTicket(apps[0], alice);
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        clients.connect(urls[index % 2], { auth: { ticket } }).then(
          async (socket) => (await ask<{ authMethod: string }>(socket, 'whoami')).authMethod,
          (error: ConnectError) => error.message,
        ),
      ),
    );
    expect(outcomes.filter((outcome) => outcome === 'ticket')).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome === 'TICKET_INVALID')).toHaveLength(19);
  });

  it('keeps the per-user cap and revoke-all right although tickets and the index live on different nodes', async () => {
    const bob = devToken({ sub: `bob-${Date.now()}` });
    const tickets = await Promise.all(Array.from({ length: 3 }, () => issueTicket(apps[0], bob)));
    const capped = await request(apps[1].getHttpServer()).post('/api/v1/websocket/ticket').set(bearer(bob)).send({}).expect(429);
    expect(capped.body.code).toBe('TOO_MANY_ACTIVE_TICKETS');

    await clients.connect(urls[1], { auth: { ticket: tickets[0].ticket } });
    tickets.push(await issueTicket(apps[1], bob));

    const res = await request(apps[1].getHttpServer()).delete('/api/v1/websocket/tickets').set(bearer(bob)).expect(200);
    expect(res.body.revoked).toBe(3);
    for (const { ticket } of tickets.slice(1)) {
      expect((await clients.refuse(urls[0], { auth: { ticket } })).message).toBe('TICKET_INVALID');
    }
  });

  it('carries revoke-all with disconnect=true to sockets on the other instance through the adapter', async () => {
    const victim = devToken({ sub: 'victor' });
    const socket = await clients.connect(urls[1], { auth: { token: victim } });
    const revoked = nextEvent(socket, 'session_revoked');
    const res = await request(apps[0].getHttpServer())
      .delete('/api/v1/websocket/tickets?disconnect=true&reason=cluster-test')
      .set(bearer(victim))
      .expect(200);
    expect(res.body.disconnected).toBe(1);
    expect(await revoked).toEqual({ reason: 'cluster-test' });
  });
});
