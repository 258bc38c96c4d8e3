import { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { createTestApp, LOCAL_REDIS_URL, uniquePrefix } from './support/test-app';
import { bearer, devToken } from './support/tokens';
import { ask, ConnectError, issueTicket, listen, nextEvent, SocketClients } from './support/ws-client';

/** Two instances of the service sharing one Redis (and one key prefix), as behind a load balancer. */
async function startPair(name: string, env: Record<string, string> = {}): Promise<{ apps: NestFastifyApplication[]; urls: string[] }> {
  const shared = { REDIS_URL: LOCAL_REDIS_URL, REDIS_KEY_PREFIX: uniquePrefix(name), ...env };
  const apps = await Promise.all([createTestApp(shared), createTestApp(shared)]);
  const urls = await Promise.all(apps.map(listen));
  return { apps, urls };
}

describe('Two instances on one Redis', () => {
  let apps: NestFastifyApplication[];
  let urls: string[];
  const clients = new SocketClients();
  const alice = devToken({ sub: 'alice', permissions: ['chat:write'] });

  beforeAll(async () => {
    ({ apps, urls } = await startPair('ws-cluster', { WS_FAILED_HANDSHAKES_PER_MINUTE: '10000' }));
  });
  afterEach(() => clients.closeAll());
  afterAll(() => Promise.all(apps.map((app) => app.close())));

  it.each(['websocket', 'polling'])('accepts on one instance a ticket minted on the other (%s)', async (transport) => {
    const { ticket } = await issueTicket(apps[0], alice);
    const socket = await clients.connect(urls[1], { transports: [transport], auth: { ticket } });
    expect(await ask(socket, 'whoami')).toMatchObject({ userId: 'alice', authMethod: 'ticket' });
    expect((await clients.refuse(urls[0], { transports: [transport], auth: { ticket } })).message).toBe('TICKET_INVALID');
  });

  it('lets exactly one of 20 connections racing with one ticket across both instances in', async () => {
    const { ticket } = await issueTicket(apps[1], alice);
    const attempts = Array.from({ length: 20 }, (_, index) =>
      clients.connect(urls[index % 2], { auth: { ticket } }).then(
        () => 'connected',
        (error: ConnectError) => error.message,
      ),
    );
    const outcomes = await Promise.all(attempts);
    expect(outcomes.filter((outcome) => outcome === 'connected')).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome === 'TICKET_INVALID')).toHaveLength(19);
  });

  it('continues a session on the other instance with a resume ticket', async () => {
    const socket = await clients.connect(urls[0], { auth: { token: alice } });
    const session = await ask(socket, 'whoami');
    const { ticket } = await ask<{ ticket: string }>(socket, 'auth:resume-ticket');
    socket.disconnect();
    const resumed = await clients.connect(urls[1], { auth: { ticket } });
    expect(await ask(resumed, 'whoami')).toEqual({ ...session, authMethod: 'ticket' });
  });

  it('revoke-all with disconnect=true reaches the user\'s sockets on every instance', async () => {
    const victim = devToken({ sub: 'victor' });
    const sockets = await Promise.all([
      clients.connect(urls[0], { auth: { token: victim } }),
      clients.connect(urls[1], { auth: { token: victim } }),
      clients.connect(urls[1], { auth: { token: victim }, transports: ['polling'] }),
    ]);
    const bystander = await clients.connect(urls[1], { auth: { token: alice } });
    const revoked = sockets.map((socket) => nextEvent(socket, 'session_revoked'));
    const closed = sockets.map((socket) => nextEvent(socket, 'disconnect'));
    const { ticket } = await issueTicket(apps[1], victim);

    const response = await request(apps[0].getHttpServer())
      .delete('/api/v1/websocket/tickets?disconnect=true&reason=account-locked')
      .set(bearer(victim))
      .expect(200);

    expect(response.body).toEqual({ revoked: 1, disconnected: 3 });
    expect(await Promise.all(revoked)).toEqual(Array(3).fill({ reason: 'account-locked' }));
    expect(await Promise.all(closed)).toEqual(Array(3).fill('io server disconnect'));
    expect(await ask(bystander, 'whoami')).toMatchObject({ userId: 'alice' });
    expect((await clients.refuse(urls[1], { auth: { ticket } })).message).toBe('TICKET_INVALID');
  });
});

describe('Failed handshakes counted across instances', () => {
  let apps: NestFastifyApplication[];
  let urls: string[];
  const clients = new SocketClients();

  beforeAll(async () => {
    ({ apps, urls } = await startPair('ws-cluster-limit', { WS_FAILED_HANDSHAKES_PER_MINUTE: '3' }));
  });
  afterEach(() => clients.closeAll());
  afterAll(() => Promise.all(apps.map((app) => app.close())));

  it('refuses with RATE_LIMITED on one instance after the limit was spent on both', async () => {
    const bad = { auth: { token: 'not.a.jwt' } };
    expect((await clients.refuse(urls[0], bad)).message).toBe('TOKEN_INVALID');
    expect((await clients.refuse(urls[1], bad)).message).toBe('TOKEN_INVALID');
    expect((await clients.refuse(urls[0], bad)).message).toBe('TOKEN_INVALID');
    const limited = await clients.refuse(urls[1], { auth: { token: devToken() } });
    expect(limited.message).toBe('RATE_LIMITED');
    expect(limited.data).toEqual({ code: 'RATE_LIMITED', message: expect.any(String) });
  });
});
