import { clientAddressResolver, parseTrustProxy } from './client-address';

describe('TRUST_PROXY', () => {
  it.each([
    [undefined, false],
    ['', false],
    ['false', false],
    ['true', true],
    ['2', 2],
    ['loopback, 10.0.0.0/8', ['loopback', '10.0.0.0/8']],
  ])('parses %p', (value, expected) => {
    expect(parseTrustProxy(value)).toEqual(expected);
  });

  it('names the setting when an entry is not an address', () => {
    expect(parseTrustProxy('loopback,not-an-ip')).toEqual(expect.stringContaining('TRUST_PROXY'));
  });

  it('believes X-Forwarded-For only from trusted proxies', () => {
    const forwarded = { 'x-forwarded-for': '203.0.113.7, 10.0.0.5' };
    expect(clientAddressResolver(false)('127.0.0.1', forwarded)).toBe('127.0.0.1');
    expect(clientAddressResolver(['loopback'])('127.0.0.1', forwarded)).toBe('10.0.0.5');
    expect(clientAddressResolver(['loopback', '10.0.0.0/8'])('127.0.0.1', forwarded)).toBe('203.0.113.7');
    expect(clientAddressResolver(['loopback'])('192.0.2.1', forwarded)).toBe('192.0.2.1');
    expect(clientAddressResolver(1)('127.0.0.1', forwarded)).toBe('10.0.0.5');
    expect(clientAddressResolver(true)('127.0.0.1', forwarded)).toBe('203.0.113.7');
  });
});
