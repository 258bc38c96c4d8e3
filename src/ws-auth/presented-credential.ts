import type { IncomingHttpHeaders } from 'node:http';
import { MAX_TOKEN_LENGTH } from '../auth/jwt-verifier.service';
import type { WsAuthMethod } from '../config/ws.config';

/**
 * A credential as a client presented it, still unverified. Every field is hostile: values keep
 * their `unknown` type until a verifier has checked them, and a JWT that is not a plain,
 * reasonably short string arrives as `token: undefined` (present but unusable).
 */
export type PresentedCredential =
  | { kind: 'ticket'; ticket: unknown; ts: unknown; proof: unknown }
  | { kind: 'jwt'; token: string | undefined };

/** The parts of a Socket.IO handshake the methods read. */
export interface HandshakeFields {
  auth: unknown;
  query: Record<string, unknown>;
  headers: IncomingHttpHeaders;
}

/** The subprotocol a client offers beside `bearer.<JWT>`; the only one the server ever selects. */
export const TICKETGATE_SUBPROTOCOL = 'ticketgate';
const BEARER_SUBPROTOCOL_PREFIX = 'bearer.';
const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

/** Undefined, null and '' are "not sent"; anything else counts as presented, valid or not. */
function isPresent(value: unknown): boolean {
  return value !== undefined && value !== null && value !== '';
}

function fieldsOf(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** A JWT from a value that may carry a `Bearer ` prefix; undefined when it cannot be one. */
function tokenFrom(value: unknown, prefix: 'optional' | 'required'): string | undefined {
  if (typeof value !== 'string' || value.length > MAX_TOKEN_LENGTH + 16) return undefined;
  const match = BEARER.exec(value);
  if (match) return match[1];
  return prefix === 'optional' && !/\s/.test(value) ? value : undefined;
}

function subprotocolToken(header: string | string[] | undefined): string | undefined | null {
  if (typeof header !== 'string') return null;
  const offered = header.split(',').map((entry) => entry.trim());
  const bearer = offered.find((entry) => entry.toLowerCase().startsWith(BEARER_SUBPROTOCOL_PREFIX));
  if (bearer === undefined) return null;
  return tokenFrom(bearer.slice(BEARER_SUBPROTOCOL_PREFIX.length), 'optional');
}

/** The credential `method` finds in a handshake, or undefined when the client sent none there. */
export function credentialFor(method: WsAuthMethod, handshake: HandshakeFields): PresentedCredential | undefined {
  const auth = fieldsOf(handshake.auth);
  switch (method) {
    case 'ticket': {
      const ticket = isPresent(auth.ticket) ? auth.ticket : handshake.query.ticket;
      return isPresent(ticket) ? { kind: 'ticket', ticket, ts: auth.ts, proof: auth.proof } : undefined;
    }
    case 'jwt':
      return isPresent(auth.token) ? { kind: 'jwt', token: tokenFrom(auth.token, 'optional') } : undefined;
    case 'header': {
      const header = handshake.headers.authorization;
      return isPresent(header) ? { kind: 'jwt', token: tokenFrom(header, 'required') } : undefined;
    }
    case 'subprotocol': {
      const token = subprotocolToken(handshake.headers['sec-websocket-protocol']);
      return token === null ? undefined : { kind: 'jwt', token };
    }
    case 'query': {
      const token = handshake.query.token;
      return isPresent(token) ? { kind: 'jwt', token: tokenFrom(token, 'optional') } : undefined;
    }
  }
}

/** The credential of an `auth:refresh` payload: `{ ticket, ts?, proof? }` or `{ token }`. */
export function credentialFromRefresh(payload: unknown): PresentedCredential | undefined {
  const fields = fieldsOf(payload);
  if (isPresent(fields.ticket)) return { kind: 'ticket', ticket: fields.ticket, ts: fields.ts, proof: fields.proof };
  if (isPresent(fields.token)) return { kind: 'jwt', token: tokenFrom(fields.token, 'optional') };
  return undefined;
}

/**
 * `handleProtocols` of the WebSocket server: selects `ticketgate` when offered, else the first
 * offer that is not a bearer token, so a token sent as a subprotocol is never echoed back.
 */
export function selectSubprotocol(offered: Set<string>): string | false {
  if (offered.has(TICKETGATE_SUBPROTOCOL)) return TICKETGATE_SUBPROTOCOL;
  for (const protocol of offered) {
    if (!protocol.toLowerCase().startsWith(BEARER_SUBPROTOCOL_PREFIX)) return protocol;
  }
  return false;
}
