import { isValidHandshakeProof } from '../ws-auth/handshake-proof';
import { base64url, pageProofKey, ProofKey } from './proof-key';

const TICKET = `tkt_${'Q'.repeat(43)}`;
/** The public key as the server's verifier takes it (a plain JsonWebKey). */
const jwk = (key: ProofKey) => ({ ...key.publicJwk });

describe('ProofKey', () => {
  it('signs proofs the server accepts for its ticket and timestamp only', async () => {
    const key = (await pageProofKey())!;
    const ts = Date.now();
    const proof = await key.sign(TICKET, ts);
    expect(proof).toMatch(/^[A-Za-z0-9_-]{86}$/);
    expect(isValidHandshakeProof(jwk(key), TICKET, ts, proof)).toBe(true);
    expect(isValidHandshakeProof(jwk(key), TICKET, ts + 1, proof)).toBe(false);
    expect(isValidHandshakeProof(jwk(key), `tkt_${'R'.repeat(43)}`, ts, proof)).toBe(false);
    const other = await ProofKey.generate(globalThis.crypto.subtle);
    expect(isValidHandshakeProof(jwk(other), TICKET, ts, proof)).toBe(false);
  });

  it('is made once per page, with a public JWK of exactly kty, crv, x, y and a private key that cannot be exported', async () => {
    const [first, second] = await Promise.all([pageProofKey(), pageProofKey()]);
    expect(first).toBe(second);
    expect(Object.keys(first!.publicJwk).sort()).toEqual(['crv', 'kty', 'x', 'y']);
    const privateKey = Reflect.get(first!, 'privateKey') as { extractable: boolean };
    expect(privateKey.extractable).toBe(false);
    await expect(globalThis.crypto.subtle.exportKey('jwk', privateKey as never)).rejects.toThrow();
  });

  it('encodes base64url without padding', () => {
    expect(base64url(new Uint8Array([0xfb, 0xff, 0xfe]).buffer)).toBe('-__-');
    expect(base64url(new Uint8Array([0x61]).buffer)).toBe('YQ');
  });
});
