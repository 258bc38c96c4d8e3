import { credentialFor, credentialFromRefresh, HandshakeFields, selectSubprotocol } from './presented-credential';

const handshake = (fields: Partial<HandshakeFields>): HandshakeFields => ({ auth: {}, query: {}, headers: {}, ...fields });
const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln';

describe('credentialFor', () => {
  it('reads the ticket from auth, else from the query, with the proof fields from auth', () => {
    expect(credentialFor('ticket', handshake({ auth: { ticket: 'a', ts: 1, proof: 'p' }, query: { ticket: 'b' } }))).toEqual({ kind: 'ticket', ticket: 'a', ts: 1, proof: 'p' });
    expect(credentialFor('ticket', handshake({ query: { ticket: 'b' } }))).toEqual({ kind: 'ticket', ticket: 'b', ts: undefined, proof: undefined });
  });

  it('passes hostile ticket values on unchanged, for the verifier to refuse', () => {
    expect(credentialFor('ticket', handshake({ query: { ticket: ['a', 'b'] } }))).toMatchObject({ ticket: ['a', 'b'] });
    expect(credentialFor('ticket', handshake({ auth: { ticket: { $gt: '' } } }))).toMatchObject({ ticket: { $gt: '' } });
  });

  it.each([undefined, null, ''])('treats %p as not sent', (value) => {
    expect(credentialFor('ticket', handshake({ auth: { ticket: value } }))).toBeUndefined();
    expect(credentialFor('jwt', handshake({ auth: { token: value } }))).toBeUndefined();
  });

  it('ignores an auth that is not a plain object', () => {
    expect(credentialFor('ticket', handshake({ auth: ['tkt_x'] }))).toBeUndefined();
    expect(credentialFor('jwt', handshake({ auth: 'token' }))).toBeUndefined();
  });

  it.each([
    [TOKEN, TOKEN],
    [`Bearer ${TOKEN}`, TOKEN],
    [`bearer   ${TOKEN}`, TOKEN],
    ['Bearer ', undefined],
    [`Bearer ${TOKEN} extra`, undefined],
    [42, undefined],
    [['a'], undefined],
    ['x'.repeat(9_000), undefined],
  ])('jwt: auth.token %p gives token %p', (token, expected) => {
    expect(credentialFor('jwt', handshake({ auth: { token } }))).toEqual({ kind: 'jwt', token: expected });
  });

  it('header: requires the Bearer scheme', () => {
    expect(credentialFor('header', handshake({ headers: { authorization: `Bearer ${TOKEN}` } }))).toEqual({ kind: 'jwt', token: TOKEN });
    expect(credentialFor('header', handshake({ headers: { authorization: TOKEN } }))).toEqual({ kind: 'jwt', token: undefined });
    expect(credentialFor('header', handshake({ headers: { authorization: 'Basic abc' } }))).toEqual({ kind: 'jwt', token: undefined });
  });

  it('subprotocol: takes the bearer.<JWT> entry of Sec-WebSocket-Protocol', () => {
    const headers = { 'sec-websocket-protocol': `ticketgate, bearer.${TOKEN}` };
    expect(credentialFor('subprotocol', handshake({ headers }))).toEqual({ kind: 'jwt', token: TOKEN });
    expect(credentialFor('subprotocol', handshake({ headers: { 'sec-websocket-protocol': 'ticketgate' } }))).toBeUndefined();
  });

  it('query: reads the token parameter; a repeated parameter is unusable', () => {
    expect(credentialFor('query', handshake({ query: { token: TOKEN } }))).toEqual({ kind: 'jwt', token: TOKEN });
    expect(credentialFor('query', handshake({ query: { token: [TOKEN, TOKEN] } }))).toEqual({ kind: 'jwt', token: undefined });
  });
});

describe('credentialFromRefresh', () => {
  it('prefers a ticket over a token and ignores anything else', () => {
    expect(credentialFromRefresh({ ticket: 't', token: TOKEN, ts: 1, proof: 'p' })).toEqual({ kind: 'ticket', ticket: 't', ts: 1, proof: 'p' });
    expect(credentialFromRefresh({ token: `Bearer ${TOKEN}` })).toEqual({ kind: 'jwt', token: TOKEN });
    expect(credentialFromRefresh('junk')).toBeUndefined();
    expect(credentialFromRefresh(null)).toBeUndefined();
  });
});

describe('selectSubprotocol', () => {
  it('selects ticketgate, else the first offer that is not a token, never a token', () => {
    expect(selectSubprotocol(new Set([`bearer.${TOKEN}`, 'ticketgate']))).toBe('ticketgate');
    expect(selectSubprotocol(new Set([`bearer.${TOKEN}`, 'graphql-ws']))).toBe('graphql-ws');
    expect(selectSubprotocol(new Set([`Bearer.${TOKEN}`]))).toBe(false);
  });
});
