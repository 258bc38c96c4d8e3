import { resolveOptions } from './client-options';
import { createTicketgateClient } from './ticketgate-client';

const getToken = () => 'jwt';

describe('client options', () => {
  it('splits baseUrl into the REST base and the socket origin and path, keeping a path prefix', () => {
    expect(resolveOptions({ baseUrl: 'https://tg.example', getToken })).toMatchObject({
      restBaseUrl: 'https://tg.example',
      socketUrl: 'https://tg.example',
      socketPath: '/socket.io',
    });
    expect(resolveOptions({ baseUrl: 'https://example.com/ticketgate/', getToken })).toMatchObject({
      restBaseUrl: 'https://example.com/ticketgate',
      socketUrl: 'https://example.com',
      socketPath: '/ticketgate/socket.io',
    });
  });

  it('applies the documented defaults', () => {
    expect(resolveOptions({ baseUrl: 'http://127.0.0.1:3000', getToken })).toMatchObject({
      senderConstrained: true, // Node 20 has WebCrypto
      allowJwtFallback: false,
      refreshBeforeExpiryMs: 60_000,
      resumeTickets: true,
      retry: { maxAttempts: 4, baseDelayMs: 500, maxDelayMs: 30_000 },
    });
  });

  it('refuses unusable options with a message naming them', () => {
    expect(() => resolveOptions({ getToken })).toThrow(/baseUrl is required outside browsers/);
    expect(() => resolveOptions({ baseUrl: 'ftp://x', getToken })).toThrow(/not an http\(s\) URL/);
    expect(() => resolveOptions({ baseUrl: 'http://x' } as never)).toThrow(/getToken must be a function/);
    expect(() => resolveOptions({ baseUrl: 'http://x', getToken, refreshBeforeExpiryMs: -1 })).toThrow(/refreshBeforeExpiryMs/);
  });

  it('owns the socket\'s auth', () => {
    const client = createTicketgateClient({ baseUrl: 'http://127.0.0.1:1', getToken });
    expect(() => client.connect({ auth: { token: 'x' } } as never)).toThrow(/auth is set by the Ticketgate client/);
  });

  it('calls the global fetch unbound, as browsers require', async () => {
    const original = globalThis.fetch;
    const calls: unknown[] = [];
    globalThis.fetch = function (this: unknown) {
      calls.push(this);
      return Promise.reject(new TypeError('offline'));
    } as typeof fetch;
    try {
      const { fetch } = resolveOptions({ baseUrl: 'http://127.0.0.1:1', getToken });
      await expect(fetch('http://127.0.0.1:1/')).rejects.toThrow('offline');
      expect(calls).toEqual([globalThis]);
    } finally {
      globalThis.fetch = original;
    }
  });
});
