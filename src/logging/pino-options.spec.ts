import pino from 'pino';
import { Writable } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import { pinoHttpOptions, requestIdFor } from './pino-options';

const TICKET = 'tkt_' + 'A'.repeat(43);
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl';

/** A pino logger with the application's options, writing its lines into an array. */
function capture(): { logger: pino.Logger; lines: () => Array<Record<string, unknown>> } {
  const written: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      written.push(chunk.toString());
      done();
    },
  });
  const { level, serializers, redact, hooks } = pinoHttpOptions('debug');
  const logger = pino({ level, serializers, redact, hooks } as pino.LoggerOptions, sink);
  return { logger, lines: () => written.join('').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe('pino options', () => {
  it('blanks secret-bearing keys at the top level and in headers, bodies, queries and handshakes', () => {
    const { logger, lines } = capture();
    logger.info({
      ticket: TICKET,
      token: JWT,
      headers: { authorization: `Bearer ${JWT}`, 'user-agent': 'jest' },
      body: { ticket: TICKET, ttlSeconds: 60 },
      query: { token: JWT },
      handshake: { auth: { ticket: TICKET }, headers: { authorization: `Bearer ${JWT}` } },
    });
    const [line] = lines();
    expect(JSON.stringify(line)).not.toContain(TICKET);
    expect(JSON.stringify(line)).not.toContain(JWT);
    expect(line).toMatchObject({
      ticket: '[REDACTED]',
      token: '[REDACTED]',
      headers: { authorization: '[REDACTED]', 'user-agent': 'jest' },
      body: { ticket: '[REDACTED]', ttlSeconds: 60 },
      query: { token: '[REDACTED]' },
      handshake: { auth: '[REDACTED]', headers: { authorization: '[REDACTED]' } },
    });
  });

  it('scrubs ticket- and JWT-shaped text from messages and errors', () => {
    const { logger, lines } = capture();
    logger.warn(`refused ${TICKET} and ${JWT}`);
    logger.error({ err: new Error(`bad token ${JWT}`) }, 'failed');
    const text = lines().map((line) => JSON.stringify(line)).join('\n');
    expect(text).not.toContain(TICKET);
    expect(text).not.toContain(JWT);
    expect(text).toContain('refused [REDACTED] and [REDACTED]');
    expect(text).toContain('bad token [REDACTED]');
  });

  it('leaves ordinary lines as they are', () => {
    const { logger, lines } = capture();
    logger.info({ event: 'ticket.issued', userId: 'alice', req: { id: 'r-1' } }, 'issued');
    expect(lines()[0]).toMatchObject({ event: 'ticket.issued', userId: 'alice', req: { id: 'r-1' }, msg: 'issued' });
  });

  it('scrubs ticket- and JWT-shaped text from string fields two levels deep, without changing the caller\'s object', () => {
    const { logger, lines } = capture();
    const fields = { event: 'ticket.refused', userAgent: `curl (${JWT})`, reason: TICKET, req: { id: 'r-2', remoteAddress: TICKET }, count: 3 };
    logger.warn(fields, 'replay');
    expect(lines()[0]).toMatchObject({
      event: 'ticket.refused',
      userAgent: 'curl ([REDACTED])',
      reason: '[REDACTED]',
      req: { id: 'r-2', remoteAddress: '[REDACTED]' },
      count: 3,
    });
    expect(fields.reason).toBe(TICKET);
    expect(fields.req.remoteAddress).toBe(TICKET);
  });
});

describe('requestIdFor', () => {
  const withId = (id: string) => ({ headers: { 'x-request-id': id } }) as unknown as IncomingMessage;

  it("keeps the caller's short, plain id", () => {
    expect(requestIdFor(withId('req-42.a:b_c'))).toBe('req-42.a:b_c');
  });

  it('replaces an id shaped like a ticket or a JWT, or one that is not plain, with a UUID', () => {
    for (const given of [TICKET, JWT, 'has space', 'x'.repeat(129)]) {
      expect(requestIdFor(withId(given))).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    }
  });
});
