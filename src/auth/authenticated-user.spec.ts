import { userFromClaims } from './authenticated-user';

describe('userFromClaims', () => {
  it('maps sub, email, permissions and exp', () => {
    expect(userFromClaims({ sub: 'alice', email: 'a@example.com', permissions: ['a', 'b', 'a'], exp: 123 })).toEqual({
      userId: 'alice',
      email: 'a@example.com',
      permissions: ['a', 'b'],
      tokenExpiresAt: 123,
    });
  });

  it('falls back to a space-separated scope, and to no permissions', () => {
    expect(userFromClaims({ sub: 'a', scope: ' chat:read  chat:write ' })).toMatchObject({ permissions: ['chat:read', 'chat:write'] });
    expect(userFromClaims({ sub: 'a' })).toEqual({ userId: 'a', permissions: [], tokenExpiresAt: null });
  });

  it('prefers permissions over scope', () => {
    expect(userFromClaims({ sub: 'a', permissions: ['x'], scope: 'y' })).toMatchObject({ permissions: ['x'] });
  });

  it.each([
    [{}, 'sub'],
    [{ sub: '' }, 'sub'],
    [{ sub: 42 }, 'sub'],
    [{ sub: 'x'.repeat(257) }, 'subject'],
    [{ sub: 'a', email: 5 }, 'email'],
    [{ sub: 'a', permissions: 'chat:read' }, 'permissions'],
    [{ sub: 'a', permissions: ['ok', 7] }, 'permissions'],
    [{ sub: 'a', permissions: Array.from({ length: 300 }, (_, i) => `p${i}`) }, 'permissions'],
    // Microseconds instead of seconds: jsonwebtoken accepts it, but no Date can hold it.
    [{ sub: 'a', exp: Date.now() * 1000 }, 'exp'],
  ])('refuses %j, naming %s', (claims, word) => {
    const result = userFromClaims(claims);
    expect(typeof result).toBe('string');
    expect(result).toContain(word);
  });
});
