import fc from 'fast-check';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { createTestApp, redisEnv } from './support/test-app';
import { devToken } from './support/tokens';
import { ConnectError, listen, SocketClients } from './support/ws-client';

const CODES = ['AUTH_REQUIRED', 'TICKET_INVALID', 'TOKEN_INVALID', 'TOKEN_EXPIRED', 'FORBIDDEN_ORIGIN', 'AUTH_UNAVAILABLE', 'RATE_LIMITED'];
const RUNS = Number(process.env.PROPERTY_RUNS ?? 60);
const printable = fc.string({ unit: fc.constantFrom(...'abcXYZ019 ._-~:/+=,;"{}[]'.split('')), maxLength: 120 });

describe('hostile handshake payloads are refused with a contract code', () => {
  let app: NestFastifyApplication;
  let url: string;
  const clients = new SocketClients({ transports: ['websocket'] });

  /** Connects with `options`; a refusal must carry a contract code as message and in data. */
  async function expectRefusal(options: Parameters<SocketClients['open']>[1]): Promise<void> {
    const outcome = await clients.connect(url, options).then(
      () => 'connected',
      (error: ConnectError) => error,
    );
    expect(outcome).not.toBe('connected');
    const error = outcome as ConnectError;
    expect(CODES).toContain(error.message);
    expect(error.data).toEqual({ code: error.message, message: expect.any(String) });
  }

  beforeAll(async () => {
    app = await createTestApp({ ...redisEnv('property-ws'), WS_AUTH_METHODS: 'ticket,jwt,header,subprotocol,query', WS_FAILED_HANDSHAKES_PER_MINUTE: '100000' });
    url = await listen(app);
  });
  afterEach(() => clients.closeAll());
  afterAll(() => app.close());

  it('any auth payload', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 3 }), async (auth) => {
        await expectRefusal({ auth: (typeof auth === 'object' && auth !== null && !Array.isArray(auth) ? auth : { ticket: auth, token: auth }) as object });
      }),
      { numRuns: RUNS },
    );
  });

  it('any auth value sent as is, an object or not', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 3 }), async (auth) => {
        await expectRefusal({ auth: (send: (data: object) => void) => send(auth as object) });
      }),
      { numRuns: RUNS },
    );
  });

  it('any ticket, token, ts and proof strings', async () => {
    await fc.assert(
      fc.asyncProperty(printable, printable, fc.oneof(fc.integer(), printable), printable, async (ticket, token, ts, proof) => {
        await expectRefusal({ auth: { ticket: `tkt_${ticket}`, token, ts, proof } });
      }),
      { numRuns: RUNS },
    );
  });

  it('any query and headers', async () => {
    await fc.assert(
      fc.asyncProperty(printable, printable, printable, printable, async (ticket, token, authorization, protocol) => {
        await expectRefusal({
          query: { ticket, token },
          extraHeaders: { authorization },
          // Subprotocols must be HTTP tokens, or the client itself refuses to send them.
          protocols: ['ticketgate', `bearer.${protocol.replace(/[^A-Za-z0-9._~+-]/g, '')}x`],
        });
      }),
      { numRuns: RUNS },
    );
  });

  it('is still serving afterwards', async () => {
    await request(app.getHttpServer()).get('/health/live').expect(200);
    const socket = await clients.connect(url, { auth: { token: devToken() } });
    expect(socket.connected).toBe(true);
  });
});
