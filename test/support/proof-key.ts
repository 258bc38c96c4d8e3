import { webcrypto } from 'node:crypto';

/**
 * A WebCrypto ECDSA P-256 key pair as a browser holds it (private key non-extractable), signing
 * handshake proofs the way CONTRACT §6 describes.
 */
export class ProofKey {
  private constructor(
    private readonly keys: webcrypto.CryptoKeyPair,
    /** The public key as a JWK, for Generate's `publicKey`. */
    readonly publicJwk: webcrypto.JsonWebKey,
  ) {}

  static async generate(): Promise<ProofKey> {
    const keys = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
    const jwk = await webcrypto.subtle.exportKey('jwk', keys.publicKey);
    return new ProofKey(keys, { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y });
  }

  /** base64url IEEE-P1363 signature of `ticketgate-handshake:<ticket>:<ts>`. */
  async sign(ticket: string, ts: number): Promise<string> {
    const message = new TextEncoder().encode(`ticketgate-handshake:${ticket}:${ts}`);
    const signature = await webcrypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, this.keys.privateKey, message);
    return Buffer.from(signature).toString('base64url');
  }

  /** The handshake `auth` of a bound ticket: `{ ticket, ts, proof }`. */
  async auth(ticket: string, ts = Date.now()): Promise<{ ticket: string; ts: number; proof: string }> {
    return { ticket, ts, proof: await this.sign(ticket, ts) };
  }
}
