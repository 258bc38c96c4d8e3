import { ServerClock } from './server-clock';

describe('ServerClock', () => {
  afterEach(() => jest.useRealTimers());

  it('trusts the local clock until a Date header shows a real offset', () => {
    jest.useFakeTimers({ now: Date.parse('2026-11-22T10:00:00.000Z') });
    const clock = new ServerClock();
    expect(clock.now()).toBe(Date.now());
    // One second off is within the header's own precision: ignored.
    clock.observe('Sun, 22 Nov 2026 10:00:01 GMT', Date.now() - 20, Date.now());
    expect(clock.now()).toBe(Date.now());
    // The server is five minutes ahead.
    clock.observe('Sun, 22 Nov 2026 10:05:00 GMT', Date.now() - 20, Date.now());
    expect(clock.now() - Date.now()).toBeGreaterThan(299_000);
    expect(clock.now() - Date.now()).toBeLessThan(301_000);
    expect(clock.until('2026-11-22T10:06:00.000Z')).toBeLessThan(61_000);
    clock.observe(null, 0, 0);
    expect(clock.now() - Date.now()).toBeGreaterThan(299_000);
  });
});
