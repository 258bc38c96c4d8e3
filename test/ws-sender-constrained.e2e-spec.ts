import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { TicketCounters } from '../src/tickets/ticket-counters';
import { ProofKey } from './support/proof-key';
import { createTestApp, redisEnv } from './support/test-app';
import { devToken } from './support/tokens';
import { ask, ConnectError, issueTicket, listen, SocketClients } from './support/ws-client';

function expectTicketInvalid(error: ConnectError): void {
  expect(error.message).toBe('TICKET_INVALID');
  expect(error.data).toEqual({ code: 'TICKET_INVALID', message: expect.any(String) });
}

/** CONTRACT §6: a ticket generated with `publicKey` opens a socket only with a proof of possession. */
describe('Sender-constrained tickets', () => {
  let app: NestFastifyApplication;
  let url: string;
  let key: ProofKey;
  let otherKey: ProofKey;
  const clients = new SocketClients();
  const alice = devToken({ sub: 'alice', permissions: ['chat:write'] });
  const boundTicket = async () => (await issueTicket(app, alice, { publicKey: key.publicJwk })).ticket;
  const unboundProofs = () => app.get(TicketCounters).rejectedByReason.unbound_proof;

  beforeAll(async () => {
    [key, otherKey] = await Promise.all([ProofKey.generate(), ProofKey.generate()]);
    app = await createTestApp({ ...redisEnv('ws-bound'), WS_FAILED_HANDSHAKES_PER_MINUTE: '10000' });
    url = await listen(app);
  });
  afterEach(() => clients.closeAll());
  afterAll(() => app.close());

  it.each(['websocket', 'polling'])('connects with a valid proof over %s', async (transport) => {
    const ticket = await boundTicket();
    const socket = await clients.connect(url, { transports: [transport], auth: await key.auth(ticket) });
    expect(await ask(socket, 'whoami')).toMatchObject({ userId: 'alice', authMethod: 'ticket' });
  });

  it('refuses a missing proof, counts it as unbound_proof, and the ticket stays consumed', async () => {
    const ticket = await boundTicket();
    const before = unboundProofs();
    expectTicketInvalid(await clients.refuse(url, { auth: { ticket } }));
    expect(unboundProofs()).toBe(before + 1);
    expectTicketInvalid(await clients.refuse(url, { auth: await key.auth(ticket) }));
  });

  it('refuses a proof by another key', async () => {
    const ticket = await boundTicket();
    expectTicketInvalid(await clients.refuse(url, { auth: await otherKey.auth(ticket) }));
  });

  it.each([
    ['61 s old', -61_000],
    ['61 s ahead', 61_000],
  ])('refuses a proof whose ts is %s', async (_when, offset) => {
    const ticket = await boundTicket();
    expectTicketInvalid(await clients.refuse(url, { auth: await key.auth(ticket, Date.now() + offset) }));
  });

  it('refuses a proof made for another ticket', async () => {
    const [ticket, other] = [await boundTicket(), await boundTicket()];
    const ts = Date.now();
    expectTicketInvalid(await clients.refuse(url, { auth: { ticket, ts, proof: await key.sign(other, ts) } }));
  });

  it('refuses a proof signed over a different ts than the one sent, or a ts that is not a number', async () => {
    const [first, second] = [await boundTicket(), await boundTicket()];
    const ts = Date.now();
    expectTicketInvalid(await clients.refuse(url, { auth: { ticket: first, ts: ts + 1, proof: await key.sign(first, ts) } }));
    expectTicketInvalid(await clients.refuse(url, { auth: { ticket: second, ts: String(ts), proof: await key.sign(second, ts) } }));
  });

  it('accepts an unbound ticket without any proof', async () => {
    const { ticket } = await issueTicket(app, alice);
    await clients.connect(url, { auth: { ticket } });
  });

  it('binds resume tickets of a bound session to the same key', async () => {
    const socket = await clients.connect(url, { auth: await key.auth(await boundTicket()) });
    const first = await ask<{ ticket: string }>(socket, 'auth:resume-ticket');
    expectTicketInvalid(await clients.refuse(url, { auth: { ticket: first.ticket } }));
    const second = await ask<{ ticket: string }>(socket, 'auth:resume-ticket');
    const resumed = await clients.connect(url, { auth: await key.auth(second.ticket) });
    expect(await ask(resumed, 'whoami')).toMatchObject({ userId: 'alice', authMethod: 'ticket' });
  });
});
