import { hashTicket, isWellFormedTicket, mintTicket, TICKET_PATTERN, ticketRef } from './ticket-codec';

describe('ticket codec', () => {
  it('mints tickets of the contract format, all different, across many refills of the random pool', () => {
    const tickets = new Set(Array.from({ length: 1000 }, () => mintTicket()));
    expect(tickets.size).toBe(1000);
    for (const ticket of tickets) expect(ticket).toMatch(TICKET_PATTERN);
  });

  it('never hands out the same random bytes twice, even in part', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 500; i += 1) {
      const bytes = Buffer.from(mintTicket().slice(4), 'base64url');
      for (let offset = 0; offset < bytes.length; offset += 8) seen.add(bytes.subarray(offset, offset + 8).toString('hex'));
    }
    expect(seen.size).toBe(500 * 4);
  });

  it.each([
    ['tkt_' + 'a'.repeat(43), true],
    ['tkt_' + 'a'.repeat(42), false],
    ['tkt_' + 'a'.repeat(44), false],
    ['TKT_' + 'a'.repeat(43), false],
    ['tkt_' + 'a'.repeat(42) + '=', false],
    ['tkt_' + 'a'.repeat(42) + '\n', false],
    [42, false],
    [null, false],
    [{ toString: () => 'tkt_' + 'a'.repeat(43) }, false],
  ])('recognises %p as well formed: %p', (value, expected) => {
    expect(isWellFormedTicket(value)).toBe(expected);
  });

  it('hashes to SHA-256 base64url, and the reference reveals only a prefix of the hash', () => {
    const ticket = 'tkt_' + 'a'.repeat(43);
    const hash = hashTicket(ticket);
    expect(hash).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(hash).toBe(hashTicket(ticket));
    // Fixed, so tickets issued by one release are found by the next during a rolling deploy.
    expect(hash).toBe('en96vw9OYPFZjE1PowPIl38UWu8YdN-8yazuJiQDoNs');
    expect(hash).not.toContain('aaaa');
    expect(ticketRef(hash)).toBe(hash.slice(0, 12));
  });
});
