import { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { SmokeReport } from '../src/scripts/smoke';
import { freePort } from './support/redis-server';
import { spawn } from 'node:child_process';
import { readProjectFile } from './support/deploy-files';
import { finished, PROJECT_ROOT, runTs } from './support/spawn';
import { createTestApp, redisEnv } from './support/test-app';
import { devToken } from './support/tokens';

const SMOKE = 'src/scripts/smoke.ts';
const ALL_CHECKS = ['health', 'auth-required', 'openapi', 'ticket', 'socket', 'replay-refused'];
const SOCKET_CHECKS = ['socket', 'replay-refused'];

const statusOf = (report: SmokeReport) => Object.fromEntries(report.checks.map((check) => [check.name, check.status]));

/** `npm run smoke` as a real CLI (a child process) against a live app and against a dead port. */
describe('npm run smoke', () => {
  let app: NestFastifyApplication;
  let baseUrl: string;
  let hasSocketServer: boolean;
  const token = devToken({ sub: 'smoke-user', permissions: ['chat:read'] });

  beforeAll(async () => {
    app = await createTestApp(redisEnv('ops-smoke'));
    await app.listen(0, '127.0.0.1');
    baseUrl = await app.getUrl();
    hasSocketServer = (await fetch(`${baseUrl}/socket.io/?EIO=4&transport=polling`)).status === 200;
  });
  afterAll(() => app.close());

  it('with --token --json: prints only the JSON report and passes the whole flow the app supports', async () => {
    const { code, stdout, stderr } = await runTs(SMOKE, ['--base-url', baseUrl, '--token', token, '--json'], {});
    const report = JSON.parse(stdout) as SmokeReport;

    expect(report.checks.map((check) => check.name)).toEqual(ALL_CHECKS);
    for (const check of report.checks) {
      expect(check).toEqual({ name: check.name, status: expect.stringMatching(/^(pass|fail)$/), durationMs: expect.any(Number), detail: expect.any(String) });
    }
    expect(statusOf(report)).toMatchObject({ health: 'pass', 'auth-required': 'pass', openapi: 'pass', ticket: 'pass' });
    if (hasSocketServer) {
      expect(statusOf(report)).toMatchObject({ socket: 'pass', 'replay-refused': 'pass' });
      expect(report.checks.find((check) => check.name === 'replay-refused')!.detail).toContain('TICKET_INVALID');
      expect({ code, ok: report.ok }).toEqual({ code: 0, ok: true });
    } else {
      // No Socket.IO server in this build: the socket check is named as failed, never skipped.
      expect(statusOf(report).socket).toBe('fail');
      expect({ code, ok: report.ok }).toEqual({ code: 1, ok: false });
    }
    expect(stdout).not.toContain(token);
    expect(stdout).not.toMatch(/tkt_[A-Za-z0-9_-]{43}/);
    expect(stderr).toBe('');
  }, 30_000);

  it("the README's command, run as written, gets its token from SMOKE_TOKEN and never prints it (npm's banner included)", async () => {
    const [, documented] = /\*\*Smoke check\.\*\* `([^`]+)`/.exec(readProjectFile('README.md'))!;
    const [assignment, npm, ...args] = documented.replace(/ \[[^\]]*\]/g, '').split(' ');
    expect([assignment.split('=')[0], npm]).toEqual(['SMOKE_TOKEN', 'npm']);
    expect(args).not.toContain('--token');
    const command = args.map((arg) => (arg.startsWith('https://') ? baseUrl : arg));

    const child = spawn('npm', command, { cwd: PROJECT_ROOT, env: { PATH: process.env.PATH, HOME: process.env.HOME, SMOKE_TOKEN: token }, stdio: ['ignore', 'pipe', 'pipe'] });
    const { stdout, stderr } = await finished(child, 30_000);
    expect(stdout).toContain('> ticketgate@'); // npm's banner, echoing the command line
    expect(stdout).toMatch(/^ {2}PASS\s+ticket\s/m);
    expect(stdout + stderr).not.toContain(token);
  }, 40_000);

  it('without a token: a readable line per check with its time, socket checks skipped by name, exit 0', async () => {
    const { code, stdout } = await runTs(SMOKE, ['--base-url', baseUrl], {});
    const lines = stdout.trim().split('\n');

    expect(code).toBe(0);
    expect(lines[0]).toBe(`Ticketgate smoke test against ${baseUrl}/`);
    for (const name of ALL_CHECKS) {
      const expected = ['ticket', ...SOCKET_CHECKS].includes(name) ? 'SKIP' : 'PASS';
      expect(lines.find((line) => line.trim().split(/\s+/)[1] === name)).toMatch(new RegExp(`^  ${expected}\\s+${name}\\s+\\d+ ms  \\S`));
    }
    expect(lines.at(-1)).toMatch(/^OK: 3 passed, 0 failed, 3 skipped in \d+\.\d s$/);
  }, 30_000);

  it('against a dead port: every check run fails, with the reason, and the exit code is 1', async () => {
    const deadUrl = `http://127.0.0.1:${await freePort()}`;
    const human = await runTs(SMOKE, ['--base-url', deadUrl, '--token', token], {});
    expect(human.code).toBe(1);
    expect(human.stdout).toMatch(/^ {2}FAIL {2}health\s+\d+ ms {2}fetch failed: ECONNREFUSED$/m);
    expect(human.stdout.trim().split('\n').at(-1)).toMatch(/^FAILED: 0 passed, 4 failed, 2 skipped/);

    const json = await runTs(SMOKE, ['--base-url', deadUrl, '--token', token, '--json'], {});
    const report = JSON.parse(json.stdout) as SmokeReport;
    expect(json.code).toBe(1);
    expect(report.ok).toBe(false);
    expect(statusOf(report)).toEqual({ health: 'fail', 'auth-required': 'fail', openapi: 'fail', ticket: 'fail', socket: 'skip', 'replay-refused': 'skip' });
  }, 30_000);

  it.each([
    [[], '--base-url is required'],
    [['--base-url', 'ftp://example.com'], '--base-url must be an http(s) URL'],
    [['--base-url', 'http://127.0.0.1:1', '--timeout', 'soon'], '--timeout'],
    [['--base-url', 'http://127.0.0.1:1', '--bogus'], 'bogus'],
  ])('refuses %j as a usage error (exit 2, nothing on stdout)', async (args, message) => {
    const { code, stdout, stderr } = await runTs(SMOKE, args, {});
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(message);
    expect(stderr).toContain('Usage: npm run smoke');
  });
});
