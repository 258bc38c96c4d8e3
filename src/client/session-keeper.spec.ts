import { FakeSocket } from '../../test/support/fake-socket';
import { ClientEvents } from './client-events';
import type { Credential, Credentials } from './credentials';
import { ServerClock } from './server-clock';
import { MIN_REFRESH_INTERVAL_MS, RESUME_MIN_REMAINING_MS, RESUME_ROTATE_BEFORE_MS, SessionKeeper } from './session-keeper';
import { TicketgateError } from './ticketgate-error';

const ticket = (n: number) => `tkt_${String(n).padStart(43, 'x')}`;
const iso = (msFromNow: number) => new Date(Date.now() + msFromNow).toISOString();
const THRESHOLD = 60_000;

function setup(options: { refresh?: boolean; resume?: boolean } = {}) {
  let issued = 0;
  const fresh = jest.fn(async (): Promise<Credential> => ({ auth: { ticket: ticket(++issued) }, event: { source: 'rest', bound: false } }));
  const events = new ClientEvents();
  const refreshed: Array<string | null> = [];
  const failures: Array<{ event: string; code: string }> = [];
  events.on('refreshed', ({ expiresAt }) => refreshed.push(expiresAt));
  events.on('auth_error', (error) => failures.push({ event: 'auth_error', code: error.code }));
  events.on('error', (error) => failures.push({ event: 'error', code: error.code }));
  const socket = new FakeSocket();
  socket.connected = true;
  const keeper = new SessionKeeper(socket.asSocket(), {
    credentials: { fresh } as unknown as Credentials,
    events,
    clock: new ServerClock(),
    refreshBeforeExpiryMs: options.refresh === false ? false : THRESHOLD,
    resumeTickets: options.resume ?? false,
    ackTimeoutMs: 1_000,
  });
  const asked = (event: string) => socket.asked.filter((entry) => entry.event === event);
  return { socket, keeper, fresh, refreshed, failures, asked };
}

describe('SessionKeeper', () => {
  beforeEach(() => jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask'] }));
  afterEach(() => jest.useRealTimers());

  describe('refresh before expiry', () => {
    it('sends auth:refresh with a fresh ticket the threshold before expiry, then follows the new expiry', async () => {
      const { socket, keeper, refreshed, asked } = setup();
      const sessionEnd = Date.now() + 10 * 60_000;
      socket.answers.set('whoami', () => ({ userId: 'alice', expiresAt: new Date(sessionEnd).toISOString() }));
      let extendedTo = sessionEnd;
      socket.answers.set('auth:refresh', () => ({ ok: true, expiresAt: new Date((extendedTo += 10 * 60_000)).toISOString() }));
      keeper.start();
      await jest.advanceTimersByTimeAsync(sessionEnd - THRESHOLD - Date.now() - 1);
      expect(asked('auth:refresh')).toHaveLength(0);
      await jest.advanceTimersByTimeAsync(1);
      expect(asked('auth:refresh').map((entry) => entry.args)).toEqual([[{ ticket: ticket(1) }]]);
      expect(refreshed).toEqual([new Date(sessionEnd + 10 * 60_000).toISOString()]);
      // The next one is due a threshold before the new expiry.
      await jest.advanceTimersByTimeAsync(10 * 60_000 - 1);
      expect(asked('auth:refresh')).toHaveLength(1);
      await jest.advanceTimersByTimeAsync(1);
      expect(asked('auth:refresh').map((entry) => entry.args)).toEqual([[{ ticket: ticket(1) }], [{ ticket: ticket(2) }]]);
    });

    it('does not hammer when the app has no fresher JWT: halves the wait, never under 5 s, then lets the session end', async () => {
      const { socket, keeper } = setup();
      const start = Date.now();
      const sessionEnd = iso(2 * 60_000);
      const refreshedAt: number[] = [];
      socket.answers.set('whoami', () => ({ expiresAt: sessionEnd }));
      socket.answers.set('auth:refresh', () => {
        refreshedAt.push(Date.now() - start);
        return { ok: true, expiresAt: sessionEnd };
      });
      keeper.start();
      await jest.advanceTimersByTimeAsync(10 * 60_000);
      // 60 s before the end, then at half of what is left: 30 s, 15 s, 7.5 s; 3.75 s would be under the 5 s floor.
      expect(refreshedAt).toEqual([60_000, 90_000, 105_000, 112_500]);
      expect(MIN_REFRESH_INTERVAL_MS).toBe(5_000);
    });

    it('tells the app about a refused ticket request, and succeeds once the app has a new JWT', async () => {
      const { socket, keeper, fresh, failures, refreshed } = setup();
      socket.answers.set('whoami', () => ({ expiresAt: iso(90_000) }));
      socket.answers.set('auth:refresh', () => ({ ok: true, expiresAt: iso(60 * 60_000) }));
      fresh.mockRejectedValueOnce(new TicketgateError('UNAUTHORIZED', 'answered 401', 'ticket', { status: 401 }));
      keeper.start();
      await jest.advanceTimersByTimeAsync(30_000);
      expect(failures).toEqual([{ event: 'auth_error', code: 'UNAUTHORIZED' }]);
      expect(refreshed).toEqual([]);
      await jest.advanceTimersByTimeAsync(30_000);
      expect(refreshed).toHaveLength(1);
    });

    it('reports a refused auth:refresh by its code', async () => {
      const { socket, keeper, failures } = setup();
      socket.answers.set('whoami', () => ({ expiresAt: iso(30_000) }));
      socket.answers.set('auth:refresh', () => ({ ok: false, code: 'TOKEN_EXPIRED' }));
      keeper.start();
      await jest.advanceTimersByTimeAsync(0);
      expect(failures).toEqual([{ event: 'auth_error', code: 'TOKEN_EXPIRED' }]);
    });

    it('never refreshes a session without expiry, nor when refresh is off', async () => {
      const noExpiry = setup();
      noExpiry.socket.answers.set('whoami', () => ({ expiresAt: null }));
      noExpiry.keeper.start();
      const off = setup({ refresh: false });
      off.keeper.start();
      await jest.advanceTimersByTimeAsync(24 * 3600_000);
      expect(noExpiry.asked('auth:refresh')).toHaveLength(0);
      expect(off.socket.asked).toEqual([]);
    });

    it('stops while disconnected, and drops unsent a ticket fetched for a socket that left meanwhile', async () => {
      const { socket, keeper, fresh, asked } = setup();
      socket.answers.set('whoami', () => ({ expiresAt: iso(120_000) }));
      let release!: () => void;
      fresh.mockImplementationOnce(() => new Promise<Credential>((resolve) => (release = () => resolve({ auth: { ticket: ticket(7) }, event: { source: 'rest', bound: false } }))));
      keeper.start();
      await jest.advanceTimersByTimeAsync(60_000);
      expect(fresh).toHaveBeenCalledTimes(1);
      keeper.pause();
      release();
      await jest.advanceTimersByTimeAsync(10 * 60_000);
      expect(asked('auth:refresh')).toHaveLength(0);
      expect(fresh).toHaveBeenCalledTimes(1);
    });
  });

  describe('resume tickets', () => {
    it('holds one, rotates it before it expires, and hands it out once', async () => {
      const { socket, keeper, asked } = setup({ refresh: false, resume: true });
      let n = 0;
      socket.answers.set('auth:resume-ticket', () => ({ ticket: ticket(++n), expiresAt: iso(120_000) }));
      keeper.start();
      await jest.advanceTimersByTimeAsync(0);
      expect(asked('auth:resume-ticket')).toHaveLength(1);
      await jest.advanceTimersByTimeAsync(120_000 - RESUME_ROTATE_BEFORE_MS);
      expect(asked('auth:resume-ticket')).toHaveLength(2);
      expect(keeper.takeResumeTicket()?.ticket).toBe(ticket(2));
      expect(keeper.takeResumeTicket()).toBeUndefined();
    });

    it('keeps the held ticket through a disconnect, unless it is too close to expiry', async () => {
      const kept = setup({ refresh: false, resume: true });
      kept.socket.answers.set('auth:resume-ticket', () => ({ ticket: ticket(1), expiresAt: iso(120_000) }));
      const expiring = setup({ refresh: false, resume: true });
      expiring.socket.answers.set('auth:resume-ticket', () => ({ ticket: ticket(2), expiresAt: iso(20_000) }));
      kept.keeper.start();
      expiring.keeper.start();
      await jest.advanceTimersByTimeAsync(0);
      kept.keeper.pause();
      expiring.keeper.pause();
      await jest.advanceTimersByTimeAsync(20_000 - RESUME_MIN_REMAINING_MS + 1);
      expect(kept.keeper.takeResumeTicket()?.ticket).toBe(ticket(1));
      expect(expiring.keeper.takeResumeTicket()).toBeUndefined();
    });

    it('forgets the held ticket when the session ends', async () => {
      const { socket, keeper } = setup({ refresh: false, resume: true });
      socket.answers.set('auth:resume-ticket', () => ({ ticket: ticket(1), expiresAt: iso(120_000) }));
      keeper.start();
      await jest.advanceTimersByTimeAsync(0);
      keeper.end();
      expect(keeper.takeResumeTicket()).toBeUndefined();
    });

    describe('after auth:refresh extended the session', () => {
      /** Plays the server: a resume ticket lives 120 s at most and never past the session's expiry, which a refresh moves on. */
      function withSession(sessionMs: number) {
        const context = setup({ resume: true });
        let sessionEnd = Date.now() + sessionMs;
        let n = 0;
        const mint = () => ({ ticket: ticket(100 + ++n), expiresAt: new Date(Math.min(Date.now() + 120_000, sessionEnd)).toISOString() });
        const extend = () => ({ ok: true, expiresAt: new Date((sessionEnd = Date.now() + 10 * 60_000)).toISOString() });
        context.socket.answers.set('whoami', () => ({ expiresAt: new Date(sessionEnd).toISOString() }));
        context.socket.answers.set('auth:refresh', extend);
        context.socket.answers.set('auth:resume-ticket', mint);
        return { ...context, mint, extend, resume: (k: number) => ticket(100 + k) };
      }

      it('gets a new resume ticket at once, which outlives the old session', async () => {
        const { keeper, asked, resume } = withSession(90_000);
        keeper.start();
        await jest.advanceTimersByTimeAsync(90_000 - THRESHOLD);
        const refreshedAt = Date.now();
        expect(asked('auth:refresh')).toHaveLength(1);
        expect(asked('auth:resume-ticket')).toHaveLength(2);
        // A drop after the old session's end resumes with the ticket minted at the refresh.
        await jest.advanceTimersByTimeAsync(65_000);
        keeper.pause();
        expect(asked('auth:resume-ticket')).toHaveLength(2);
        expect(keeper.takeResumeTicket()).toEqual({ ticket: resume(2), expiresAt: new Date(refreshedAt + 120_000).toISOString() });
      });

      it('replaces a ticket too short-lived to be rotated, so a drop after the old expiry still resumes', async () => {
        // The refresh is due at once; the first resume ticket, minted before it lands, dies with the old session.
        const { keeper, asked, resume } = withSession(3_500);
        keeper.start();
        await jest.advanceTimersByTimeAsync(10_000);
        keeper.pause();
        expect(asked('auth:refresh')).toHaveLength(1);
        expect(asked('auth:resume-ticket')).toHaveLength(2);
        expect(keeper.takeResumeTicket()?.ticket).toBe(resume(2));
      });

      it('lets the later answer win when a rotation was under way during the refresh, and keeps one rotation going', async () => {
        const { socket, keeper, asked, mint, extend, resume } = withSession(90_000);
        let landRefresh!: () => void;
        let answerRotation!: () => void;
        socket.answers.set('auth:refresh', () => new Promise((resolve) => (landRefresh = () => resolve(extend()))));
        socket.answers.set('auth:resume-ticket', () => {
          socket.answers.set('auth:resume-ticket', () => {
            const early = mint();
            socket.answers.set('auth:resume-ticket', mint);
            return new Promise((resolve) => (answerRotation = () => resolve(early)));
          });
          return mint();
        });
        keeper.start();
        // The refresh went out at 30 s; the rotation due 15 s before the first ticket expires goes out unanswered.
        await jest.advanceTimersByTimeAsync(90_000 - RESUME_ROTATE_BEFORE_MS);
        expect(asked('auth:refresh')).toHaveLength(1);
        expect(asked('auth:resume-ticket')).toHaveLength(2);
        landRefresh();
        await jest.advanceTimersByTimeAsync(0);
        expect(asked('auth:resume-ticket')).toHaveLength(3);
        // The earlier request's answer, minted before the refresh, is dropped; one timer rotates the new ticket.
        answerRotation();
        await jest.advanceTimersByTimeAsync(120_000 - RESUME_ROTATE_BEFORE_MS - 1);
        expect(asked('auth:resume-ticket')).toHaveLength(3);
        await jest.advanceTimersByTimeAsync(1);
        expect(asked('auth:resume-ticket')).toHaveLength(4);
        expect(keeper.takeResumeTicket()?.ticket).toBe(resume(4));
      });
    });

    it('asks again 30 s after a refused auth:resume-ticket, but not after SESSION_EXPIRED', async () => {
      const refused = setup({ refresh: false, resume: true });
      refused.socket.answers.set('auth:resume-ticket', () => ({ ok: false, code: 'AUTH_UNAVAILABLE' }));
      const expired = setup({ refresh: false, resume: true });
      expired.socket.answers.set('auth:resume-ticket', () => ({ ok: false, code: 'SESSION_EXPIRED' }));
      refused.keeper.start();
      expired.keeper.start();
      await jest.advanceTimersByTimeAsync(30_000);
      expect(refused.asked('auth:resume-ticket')).toHaveLength(2);
      expect(expired.asked('auth:resume-ticket')).toHaveLength(1);
    });
  });
});
