import { PacketType } from 'socket.io-parser';
import { AuthTolerantDecoder } from './auth-tolerant.parser';

function decode(packet: string): unknown {
  const decoder = new AuthTolerantDecoder();
  let decoded: unknown;
  decoder.on('decoded', (value) => (decoded = value));
  decoder.add(packet);
  return decoded;
}

describe('AuthTolerantDecoder', () => {
  it.each(['0"tkt_x"', '0[1]', '0null', '0{oops'])('reads the CONNECT packet %s as a CONNECT without auth', (packet) => {
    expect(decode(packet)).toEqual({ type: PacketType.CONNECT, nsp: '/' });
    expect(decode(`0/chat,${packet.slice(1)}`)).toEqual({ type: PacketType.CONNECT, nsp: '/chat' });
  });

  it('decodes valid packets as socket.io-parser does', () => {
    expect(decode('0{"ticket":"tkt_x"}')).toEqual({ type: PacketType.CONNECT, nsp: '/', data: { ticket: 'tkt_x' } });
    expect(decode('2["whoami"]')).toEqual({ type: PacketType.EVENT, nsp: '/', data: ['whoami'] });
  });

  it('still rejects any other invalid packet, so Socket.IO closes that connection', () => {
    expect(() => decode('2"whoami"')).toThrow('invalid payload');
    expect(() => decode('9')).toThrow('unknown packet type');
  });
});
