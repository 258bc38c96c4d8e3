import { generateKeyPairSync, sign } from 'node:crypto';
import { isValidHandshakeProof, proofMessage } from './handshake-proof';

const TICKET = `tkt_${'A'.repeat(43)}`;
const NOW = 1_800_000_000_000;

function keyPair() {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { privateKey, jwk: publicKey.export({ format: 'jwk' }) };
}

const signProof = (privateKey: ReturnType<typeof keyPair>['privateKey'], ticket: string, ts: number) =>
  sign('sha256', Buffer.from(proofMessage(ticket, ts)), { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url');

describe('isValidHandshakeProof', () => {
  const { privateKey, jwk } = keyPair();

  it('accepts an IEEE-P1363 signature over ticketgate-handshake:<ticket>:<ts> within 60 s', () => {
    for (const ts of [NOW, NOW - 60_000, NOW + 60_000]) {
      expect(isValidHandshakeProof(jwk, TICKET, ts, signProof(privateKey, TICKET, ts), NOW)).toBe(true);
    }
  });

  it('refuses a stale or future ts, a ts that is not an integer, or a proof over another ts', () => {
    expect(isValidHandshakeProof(jwk, TICKET, NOW - 60_001, signProof(privateKey, TICKET, NOW - 60_001), NOW)).toBe(false);
    expect(isValidHandshakeProof(jwk, TICKET, NOW + 60_001, signProof(privateKey, TICKET, NOW + 60_001), NOW)).toBe(false);
    expect(isValidHandshakeProof(jwk, TICKET, String(NOW), signProof(privateKey, TICKET, NOW), NOW)).toBe(false);
    expect(isValidHandshakeProof(jwk, TICKET, NOW + 0.5, signProof(privateKey, TICKET, NOW), NOW)).toBe(false);
    expect(isValidHandshakeProof(jwk, TICKET, NOW + 1, signProof(privateKey, TICKET, NOW), NOW)).toBe(false);
  });

  it('refuses a DER signature, garbage, and a signature by another key', () => {
    const der = sign('sha256', Buffer.from(proofMessage(TICKET, NOW)), privateKey).toString('base64url');
    expect(isValidHandshakeProof(jwk, TICKET, NOW, der, NOW)).toBe(false);
    expect(isValidHandshakeProof(jwk, TICKET, NOW, 'A'.repeat(86), NOW)).toBe(false);
    expect(isValidHandshakeProof(jwk, TICKET, NOW, 42, NOW)).toBe(false);
    expect(isValidHandshakeProof(keyPair().jwk, TICKET, NOW, signProof(privateKey, TICKET, NOW), NOW)).toBe(false);
  });
});
