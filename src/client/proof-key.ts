/** WebCrypto's SubtleCrypto, typed from the runtime's own declarations (no DOM lib needed). */
type Subtle = NonNullable<typeof globalThis.crypto>['subtle'];
type PrivateKey = Parameters<Subtle['sign']>[1];

/** An ECDSA P-256 public key as a JWK, the shape Generate's `publicKey` takes. */
export interface PublicJwk {
  kty: 'EC';
  crv: 'P-256';
  x: string;
  y: string;
}

/** The text a client signs to prove it holds a ticket's key (CONTRACT §6). */
export function proofMessage(ticket: string, ts: number): string {
  return `ticketgate-handshake:${ticket}:${ts}`;
}

/** base64url without padding, from raw bytes. */
export function base64url(bytes: ArrayBuffer): string {
  let binary = '';
  for (const byte of new Uint8Array(bytes)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * The key that binds tickets to this page (CONTRACT §6): an ECDSA P-256 pair whose private half
 * is non-extractable, so not even script on the page can copy it out; a ticket leaked through a
 * log or a proxy is worthless without it.
 */
export class ProofKey {
  private constructor(
    private readonly subtle: Subtle,
    private readonly privateKey: PrivateKey,
    /** Sent as `publicKey` with each ticket request. */
    readonly publicJwk: PublicJwk,
  ) {}

  static async generate(subtle: Subtle): Promise<ProofKey> {
    const pair = await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
    const { x, y } = await subtle.exportKey('jwk', pair.publicKey);
    if (typeof x !== 'string' || typeof y !== 'string') throw new Error('WebCrypto exported no EC coordinates');
    return new ProofKey(subtle, pair.privateKey, { kty: 'EC', crv: 'P-256', x, y });
  }

  /** base64url IEEE-P1363 ECDSA P-256 / SHA-256 signature of `ticketgate-handshake:<ticket>:<ts>`. */
  async sign(ticket: string, ts: number): Promise<string> {
    const message = new TextEncoder().encode(proofMessage(ticket, ts));
    return base64url(await this.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, this.privateKey, message));
  }
}

let pageKey: Promise<ProofKey | undefined> | undefined;

/**
 * This page's proof key, made on first use and shared by every client on the page (in Node,
 * by the process). Resolves to undefined where WebCrypto is missing or refuses, as on pages
 * that are not a secure context (plain http other than localhost): tickets are then unbound.
 */
export function pageProofKey(): Promise<ProofKey | undefined> {
  pageKey ??= (async () => {
    const subtle = globalThis.crypto?.subtle;
    if (!subtle) return undefined;
    try {
      return await ProofKey.generate(subtle);
    } catch {
      return undefined;
    }
  })();
  return pageKey;
}

/** True where WebCrypto can make the proof key (browsers on secure contexts, Node ≥ 20). */
export function webCryptoAvailable(): boolean {
  return globalThis.crypto?.subtle !== undefined;
}
