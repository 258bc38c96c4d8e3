import { createPublicKey, JsonWebKey, verify } from 'node:crypto';

/** How far `auth.ts` may be from the server's clock (CONTRACT §6). */
export const PROOF_MAX_SKEW_MS = 60_000;

/** An ECDSA P-256 signature in IEEE P1363 form is 64 bytes: 86 base64url characters. */
const P1363_SIGNATURE = /^[A-Za-z0-9_-]{86}(==)?$/;

/** The exact UTF-8 text a client signs to prove it holds a ticket's key. */
export function proofMessage(ticket: string, ts: number): string {
  return `ticketgate-handshake:${ticket}:${ts}`;
}

/**
 * True when `proof` is a valid signature by `publicKey` over `proofMessage(ticket, ts)` and `ts`
 * (epoch milliseconds, a number) is within the allowed skew. The format WebCrypto produces:
 * ECDSA P-256 / SHA-256, IEEE P1363 encoding, base64url. Never throws on hostile input.
 */
export function isValidHandshakeProof(
  publicKey: JsonWebKey,
  ticket: string,
  ts: unknown,
  proof: unknown,
  now: number = Date.now(),
): boolean {
  if (typeof ts !== 'number' || !Number.isSafeInteger(ts) || Math.abs(now - ts) > PROOF_MAX_SKEW_MS) return false;
  if (typeof proof !== 'string' || !P1363_SIGNATURE.test(proof)) return false;
  try {
    const key = createPublicKey({ key: publicKey, format: 'jwk' });
    const message = Buffer.from(proofMessage(ticket, ts), 'utf8');
    return verify('sha256', message, { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(proof, 'base64url'));
  } catch {
    return false;
  }
}
