import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createTestApp } from './support/test-app';
import { listen, SocketClients } from './support/ws-client';

const badToken = { auth: { token: 'not-a-jwt' } };

describe.each([
  ['loopback', true],
  [undefined, false],
])('TRUST_PROXY=%s and the failed-handshake limit', (trustProxy, separated) => {
  let app: NestFastifyApplication;
  let url: string;
  const clients = new SocketClients({ transports: ['websocket'] });

  beforeAll(async () => {
    app = await createTestApp({ TRUST_PROXY: trustProxy, WS_FAILED_HANDSHAKES_PER_MINUTE: '2' });
    url = await listen(app);
  });
  afterEach(() => clients.closeAll());
  afterAll(() => app.close());

  it(`${separated ? 'keeps' : 'does not keep'} a separate budget per forwarded client address`, async () => {
    const from = (address: string) => ({ ...badToken, extraHeaders: { 'x-forwarded-for': address } });
    expect((await clients.refuse(url, from('203.0.113.1'))).message).toBe('TOKEN_INVALID');
    expect((await clients.refuse(url, from('203.0.113.1'))).message).toBe('TOKEN_INVALID');
    expect((await clients.refuse(url, from('203.0.113.1'))).message).toBe('RATE_LIMITED');
    expect((await clients.refuse(url, from('203.0.113.2'))).message).toBe(separated ? 'TOKEN_INVALID' : 'RATE_LIMITED');
  });
});
