import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Locator, Page, Request } from 'playwright-core';
import { maskTicket } from '../src/client/mask-ticket';
import { launchChromium } from './support/chromium';
import { HandshakeRecorder } from './support/handshake-recorder';
import { createTestApp, redisEnv } from './support/test-app';
import { devToken } from './support/tokens';
import { listen } from './support/ws-client';

const SCREENSHOT = join(__dirname, '..', 'test-artifacts', 'browser-demo.png');

/**
 * Longer than any reconnect could take to start after the server ends a session: socket.io-client's
 * first reconnect comes within 1.5 s (reconnectionDelay 1 s ± 50 %), and the client's own
 * `server_shutdown` reconnect within 4 × its 500 ms base step.
 */
const NO_RECONNECT_WINDOW_MS = 2_500;

/** What one page did, as the browser saw it. */
interface PageRecord {
  page: Page;
  requests: Request[];
  websocketUrls: string[];
  /** Every frame the page sent on its websockets. */
  sentFrames: string[];
  /** Console errors and uncaught exceptions. */
  errors: string[];
}

/**
 * The demo page (/demo) in real headless Chromium against the real app on a real Redis: the
 * browser client as a front-end developer meets it, through the page's own buttons.
 */
describe('Browser demo page (headless Chromium)', () => {
  let app: NestFastifyApplication;
  let baseUrl: string;
  let browser: Browser;
  let context: BrowserContext | undefined;
  let recorder: HandshakeRecorder;

  beforeAll(async () => {
    recorder = HandshakeRecorder.install();
    // No key configured and not production: the development secret is active, so the demo offers its token button.
    [app, browser] = await Promise.all([
      createTestApp({ ...redisEnv('browser-demo'), DEMO_ENABLED: 'true', JWT_SECRET: undefined, JWT_PUBLIC_KEY: undefined, JWKS_URI: undefined }),
      launchChromium(),
    ]);
    baseUrl = await listen(app);
  }, 20_000);
  afterEach(async () => {
    await context?.close();
    context = undefined;
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    recorder?.restore();
  });

  async function openDemo(): Promise<PageRecord> {
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    const record: PageRecord = { page, requests: [], websocketUrls: [], sentFrames: [], errors: [] };
    page.on('request', (request) => record.requests.push(request));
    page.on('websocket', (socket) => {
      record.websocketUrls.push(socket.url());
      socket.on('framesent', ({ payload }) => record.sentFrames.push(payload.toString()));
    });
    page.on('console', (message) => {
      if (message.type() === 'error') record.errors.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => record.errors.push(`pageerror: ${error.message}`));
    const response = await page.goto(`${baseUrl}/demo`);
    expect(response?.status()).toBe(200);
    return record;
  }

  const logEntry = (page: Page, name: string, text?: string | RegExp): Locator =>
    page.locator('#log li').filter({ has: page.locator('.name', { hasText: new RegExp(`^${name}$`) }) }).filter(text === undefined ? {} : { hasText: text });

  const SESSION_BUTTONS = ['#disconnect', '#reconnect', '#revoke'];
  /** Which of Connect and the session buttons are enabled, by selector. */
  const enabledButtons = async (page: Page): Promise<Record<string, boolean>> =>
    Object.fromEntries(await Promise.all(['#connect', ...SESSION_BUTTONS].map(async (selector) => [selector, await page.locator(selector).isEnabled()])));
  const onlyConnect = { '#connect': true, '#disconnect': false, '#reconnect': false, '#revoke': false };

  const whoami = async (page: Page): Promise<Record<string, unknown>> => JSON.parse((await page.locator('#whoami').textContent()) ?? '') as Record<string, unknown>;

  /**
   * The JWT appears in no URL the page requested, websocket URLs included, in no request body (the
   * handshake's auth travels in a polling POST before the upgrade) and in no websocket frame.
   */
  function expectJwtNeverInUrlsOrFrames(record: PageRecord, jwt: string): void {
    const urls = [...record.requests.map((request) => request.url()), ...record.websocketUrls];
    // The recording works: the page loaded, fetched a ticket, and opened its socket by polling and by websocket.
    expect(urls).toEqual(expect.arrayContaining([`${baseUrl}/demo`, `${baseUrl}/api/v1/websocket/ticket`, expect.stringContaining(`${baseUrl}/socket.io/?EIO=4&transport=polling`)]));
    expect(record.websocketUrls).toEqual(expect.arrayContaining([expect.stringMatching(/^ws:\/\/127\.0\.0\.1:\d+\/socket\.io\/\?EIO=4&transport=websocket/)]));
    expect(record.sentFrames.length).toBeGreaterThan(0);
    expect(urls.filter((url) => url.includes(jwt))).toEqual([]);
    expect(record.requests.filter((request) => request.postData()?.includes(jwt)).map((request) => request.url())).toEqual([]);
    expect(record.sentFrames.filter((frame) => frame.includes(jwt))).toEqual([]);
  }

  /** Every ticket request carried the JWT where it belongs: the Authorization header. */
  async function expectTicketRequestsUseBearer(record: PageRecord, jwt: string): Promise<void> {
    const ticketRequests = record.requests.filter((request) => request.url() === `${baseUrl}/api/v1/websocket/ticket`);
    expect(ticketRequests.length).toBeGreaterThan(0);
    for (const request of ticketRequests) expect((await request.allHeaders()).authorization).toBe(`Bearer ${jwt}`);
  }

  /** No ticket the server received shows in full anywhere in the page: DOM, attributes, the event log. */
  async function expectTicketsNeverShown(page: Page, tickets: string[]): Promise<void> {
    const html = await page.content();
    const text = await page.locator('body').innerText();
    for (const ticket of tickets) {
      expect(html).not.toContain(ticket);
      expect(text).not.toContain(ticket);
      expect(text).not.toContain(ticket.slice(4));
    }
  }

  it('gets a development token, connects by ticket, resumes with a new ticket after a drop, and revoke-all ends the session', async () => {
    const record = await openDemo();
    const { page } = record;
    const firstHandshake = recorder.handshakes.length;

    await page.locator('#dev-user').fill('ada');
    await page.locator('#dev-token').click();
    await logEntry(page, 'token', 'development token for ada').waitFor();
    const jwt = await page.locator('#token').inputValue();
    expect(jwt).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString())).toMatchObject({ sub: 'ada' });
    expect(await page.locator('#sender-constrained').isChecked()).toBe(true);
    expect(await enabledButtons(page)).toEqual(onlyConnect);

    await page.locator('#connect').click();
    await page.locator('#state[data-state="connected"]').waitFor();
    expect(await enabledButtons(page)).toEqual({ '#connect': true, '#disconnect': true, '#reconnect': true, '#revoke': true });
    await page.locator('#auth-method').filter({ hasText: /^ticket$/ }).waitFor();
    expect(await whoami(page)).toMatchObject({ userId: 'ada', authMethod: 'ticket', permissions: ['chat:read', 'chat:write'] });

    const first = recorder.handshakes.slice(firstHandshake);
    expect(first).toEqual([{ ticket: expect.stringMatching(/^tkt_[\w-]{43}$/), ts: expect.any(Number), proof: expect.any(String) }]);
    const firstTicket = first[0].ticket as string;
    expect(await page.locator('#ticket').textContent()).toBe(maskTicket(firstTicket));
    expect(await page.locator('#ticket-source').textContent()).toContain('bound to this page’s key');

    // The session keeper holds a resume ticket once connected; drop the transport as a network failure would.
    await logEntry(page, 'resume_ticket').waitFor();
    expect(recorder.dropConnections()).toBe(1);
    await page.locator('#ticket-source', { hasText: 'resume ticket' }).waitFor();
    await page.locator('#state[data-state="connected"]').waitFor();
    await logEntry(page, 'whoami').nth(1).waitFor();
    expect(await whoami(page)).toMatchObject({ userId: 'ada', authMethod: 'ticket' });

    const tickets = recorder.tickets.slice(-2);
    expect(recorder.handshakes.length - firstHandshake).toBe(2);
    expect(tickets[0]).toBe(firstTicket);
    expect(tickets[1]).toMatch(/^tkt_[\w-]{43}$/);
    expect(tickets[1]).not.toBe(tickets[0]);
    expect(recorder.handshakes.at(-1)).toEqual({ ticket: tickets[1], ts: expect.any(Number), proof: expect.any(String) });
    expect(await page.locator('#ticket').textContent()).toBe(maskTicket(tickets[1]));
    // A resume ticket comes over the socket: still just the one REST request.
    expect(record.requests.filter((request) => request.url() === `${baseUrl}/api/v1/websocket/ticket`)).toHaveLength(1);

    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(statSync(SCREENSHOT).size).toBeGreaterThan(10_000);

    await page.locator('#revoke').click();
    await logEntry(page, 'session_revoked', 'reason: revoked-from-demo').waitFor();
    await logEntry(page, 'revokeAll', 'disconnected 1 socket(s)').waitFor();
    await page.locator('#state[data-state="disconnected"]').waitFor();
    await page.locator('#state-detail', { hasText: 'session_revoked' }).waitFor();
    // The session is over and nothing reconnects it: only Connect (afresh) still makes sense.
    expect(await enabledButtons(page)).toEqual(onlyConnect);
    const handshakesAfterRevoke = recorder.handshakes.length;
    // Proving an absence takes a wait: long enough for any reconnect to have begun.
    await page.waitForTimeout(NO_RECONNECT_WINDOW_MS);
    expect(recorder.handshakes.length).toBe(handshakesAfterRevoke);
    expect(await page.locator('#state').getAttribute('data-state')).toBe('disconnected');
    expect(recorder.servers.reduce((sockets, server) => sockets + server.sockets.sockets.size, 0)).toBe(0);

    expectJwtNeverInUrlsOrFrames(record, jwt);
    await expectTicketRequestsUseBearer(record, jwt);
    await expectTicketsNeverShown(page, tickets);
    expect(record.errors).toEqual([]);
  }, 20_000);

  it('connects with a pasted JWT, with an unbound ticket when sender-constrained tickets are off', async () => {
    const record = await openDemo();
    const { page } = record;
    const firstHandshake = recorder.handshakes.length;
    const jwt = devToken({ sub: 'grace', email: 'grace@example.com', permissions: ['chat:read'] });

    await page.locator('#token').fill(jwt);
    await page.locator('#sender-constrained').uncheck();
    await page.locator('#connect').click();
    await page.locator('#state[data-state="connected"]').waitFor();
    await page.locator('#auth-method').filter({ hasText: /^ticket$/ }).waitFor();
    expect(await whoami(page)).toMatchObject({ userId: 'grace', email: 'grace@example.com', authMethod: 'ticket', permissions: ['chat:read'] });

    const handshakes = recorder.handshakes.slice(firstHandshake);
    expect(handshakes).toEqual([{ ticket: expect.stringMatching(/^tkt_[\w-]{43}$/) }]);
    const ticket = handshakes[0].ticket as string;
    expect(await page.locator('#ticket').textContent()).toBe(maskTicket(ticket));
    expect(await page.locator('#ticket-source').textContent()).not.toContain('bound');

    await page.locator('#disconnect').click();
    await page.locator('#state[data-state="idle"]').waitFor();
    expect(await enabledButtons(page)).toEqual(onlyConnect);

    expectJwtNeverInUrlsOrFrames(record, jwt);
    await expectTicketRequestsUseBearer(record, jwt);
    await expectTicketsNeverShown(page, [ticket]);
    expect(record.errors).toEqual([]);
  }, 10_000);
});
