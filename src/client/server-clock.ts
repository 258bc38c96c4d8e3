/**
 * The server's clock as seen from here. Handshake proofs carry a timestamp the server accepts
 * only within 60 s of its own clock (CONTRACT §6), and expiries arrive in server time, so a
 * client whose clock is off by minutes would fail every bound handshake. The offset is learnt
 * from the `Date` header of the ticket endpoint's answers (readable same-origin, or when CORS
 * exposes it); without one the local clock is trusted.
 */
export class ServerClock {
  private offsetMs = 0;

  /** Server time in epoch ms. */
  now(): number {
    return Date.now() + this.offsetMs;
  }

  /** Milliseconds from now until `serverTime` (epoch ms or ISO-8601), by the server's clock. */
  until(serverTime: number | string): number {
    const at = typeof serverTime === 'number' ? serverTime : Date.parse(serverTime);
    return at - this.now();
  }

  /**
   * Learns the offset from an HTTP answer's `Date` header (whole seconds, hence the half second
   * added) and the local times the request was sent and answered. Offsets under 2 s are noise
   * and ignored.
   */
  observe(dateHeader: string | null, sentAt: number, receivedAt: number): void {
    const serverTime = dateHeader ? Date.parse(dateHeader) : Number.NaN;
    if (Number.isNaN(serverTime)) return;
    const offset = serverTime + 500 - (sentAt + receivedAt) / 2;
    this.offsetMs = Math.abs(offset) < 2_000 ? 0 : Math.round(offset);
  }
}
