import { Decoder, Encoder, PacketType } from 'socket.io-parser';

/** A CONNECT packet's type and namespace without its payload (`0/admin,"x"` → `0/admin,`); undefined for other packets. */
function connectHeader(packet: string): string | undefined {
  if (packet[0] !== String(PacketType.CONNECT)) return undefined;
  if (packet[1] !== '/') return packet[0];
  const comma = packet.indexOf(',');
  return comma === -1 ? undefined : packet.slice(0, comma + 1);
}

/**
 * Socket.IO's decoder, except that a CONNECT packet whose payload (the client's `auth`) is not a
 * JSON object is read as a CONNECT without one. socket.io-parser rejects such a payload
 * (`Decoder.isPayloadValid`), and Socket.IO answers a decoding error by closing the connection,
 * so the client got no code at all. Read this way, the handshake middleware refuses it like any
 * other: `AUTH_REQUIRED` unless another method's credential (a header) verifies.
 * Every other packet, valid or not, decodes exactly as before.
 */
export class AuthTolerantDecoder extends Decoder {
  override add(chunk: unknown): void {
    try {
      super.add(chunk);
    } catch (error) {
      const header = typeof chunk === 'string' ? connectHeader(chunk) : undefined;
      if (header === undefined) throw error;
      super.add(header);
    }
  }
}

/** The `parser` option of the Socket.IO server: socket.io-parser's encoder, `AuthTolerantDecoder`. */
export const AUTH_TOLERANT_PARSER = { Encoder, Decoder: AuthTolerantDecoder };
