import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { build } from 'esbuild';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { launchChromium } from './support/chromium';
import { createTestApp } from './support/test-app';
import { devToken } from './support/tokens';
import { listen } from './support/ws-client';

/** Serves the page: another port is another origin to the browser, and it is loopback like the app. */
async function servePage(script: string): Promise<Server> {
  const server = createServer((req, res) => {
    const isScript = req.url === '/io.js';
    res.writeHead(200, { 'content-type': isScript ? 'text/javascript' : 'text/html' });
    res.end(isScript ? script : '<!doctype html><script src="/io.js"></script>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

/** socket.io-client as a browser script defining `window.io`. */
async function socketIoClientScript(): Promise<string> {
  const result = await build({
    stdin: { contents: "import { io } from 'socket.io-client'; window.io = io;", resolveDir: __dirname, loader: 'js' },
    bundle: true,
    format: 'iife',
    platform: 'browser',
    write: false,
  });
  return result.outputFiles[0].text;
}

/**
 * A page on an origin missing from WS_ALLOWED_ORIGINS opens a socket in real Chromium: the
 * refusal must reach the page as its code on long polling too, where the browser hides every
 * response that lacks CORS headers for the page's origin.
 */
describe('FORBIDDEN_ORIGIN as a browser page sees it (headless Chromium)', () => {
  let app: NestFastifyApplication;
  let url: string;
  let browser: Browser;
  let pageServer: Server;

  beforeAll(async () => {
    [app, browser, pageServer] = await Promise.all([
      createTestApp({ WS_ALLOWED_ORIGINS: 'https://app.example.com' }),
      launchChromium(),
      socketIoClientScript().then(servePage),
    ]);
    url = await listen(app);
  }, 20_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await new Promise((resolve) => pageServer?.close(resolve));
  });

  it('the page gets connect_error FORBIDDEN_ORIGIN over long polling as over WebSocket, and no connection', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`http://127.0.0.1:${(pageServer.address() as AddressInfo).port}/`);
    const outcomes = await page.evaluate(
      ({ url, token }) =>
        Promise.all(
          ['polling', 'websocket'].map(
            (transport) =>
              new Promise((resolve) => {
                const socket = (globalThis as unknown as { io: typeof import('socket.io-client').io }).io(url, { transports: [transport], reconnection: false, forceNew: true, auth: { token } });
                socket.on('connect', () => resolve(`${transport}: connected`));
                socket.on('connect_error', (error: Error & { data?: unknown }) => resolve({ transport, message: error.message, data: error.data }));
              }),
          ),
        ),
      { url, token: devToken() },
    );
    const refusal = { message: 'FORBIDDEN_ORIGIN', data: { code: 'FORBIDDEN_ORIGIN', message: expect.any(String) } };
    expect(outcomes).toEqual([{ transport: 'polling', ...refusal }, { transport: 'websocket', ...refusal }]);
    await context.close();
  });
});
