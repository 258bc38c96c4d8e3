import { parseArgs } from 'node:util';
import { io, Socket } from 'socket.io-client';

const USAGE = `Usage: npm run smoke -- --base-url URL [--token JWT] [--json] [--timeout MS]

Checks a running Ticketgate deployment (CONTRACT §7): health, 401 without a token, the OpenAPI
document, and with a token the full ticket -> socket -> replay-refused flow. Prints one line per
check (PASS, FAIL or SKIP, with its time); --json prints only a JSON report on stdout instead.
The token may also come from SMOKE_TOKEN, which keeps it out of shell history.
Exit code: 0 when every check run passed, 1 when any failed, 2 for a usage error.`;

/** Routes CONTRACT §3 promises in the OpenAPI document, with their methods. */
const DOCUMENTED_ROUTES: Record<string, string[]> = {
  '/api/v1/websocket/ticket': ['post'],
  '/api/v1/auth/generate-ticket': ['post'],
  '/auth/generate-ticket': ['post'],
  '/api/v1/websocket/ticket/validate': ['post'],
  '/api/v1/websocket/ticket/revoke': ['post'],
  '/api/v1/websocket/ticket/{ticket}': ['delete'],
  '/api/v1/websocket/tickets': ['delete'],
  '/api/v1/websocket/ticket/status': ['get'],
  '/health': ['get'],
  '/health/live': ['get'],
  '/health/ready': ['get'],
  '/metrics': ['get'],
};
const TICKET_FORMAT = /^tkt_[A-Za-z0-9_-]{43}$/;

type Status = 'pass' | 'fail' | 'skip';

/** One line of the report. `detail` never holds a token or a ticket. */
export interface CheckResult {
  name: string;
  status: Status;
  durationMs: number;
  detail: string;
}

/** The `--json` report. */
export interface SmokeReport {
  baseUrl: string;
  ok: boolean;
  durationMs: number;
  checks: CheckResult[];
}

interface Options {
  baseUrl: URL;
  token?: string;
  json: boolean;
  timeoutMs: number;
}

/** A failed check's reason; anything else thrown is reported by its message. */
class CheckFailed extends Error {}

class UsageError extends Error {}

function parseOptions(argv: string[]): Options | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      'base-url': { type: 'string' },
      token: { type: 'string' },
      json: { type: 'boolean', default: false },
      timeout: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) return 'help';
  if (!values['base-url']) throw new UsageError('--base-url is required');
  if (!URL.canParse(values['base-url']) || !/^https?:$/.test(new URL(values['base-url']).protocol)) {
    throw new UsageError(`--base-url must be an http(s) URL, got ${JSON.stringify(values['base-url'])}`);
  }
  const timeoutMs = values.timeout === undefined ? 5_000 : Number(values.timeout);
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) throw new UsageError('--timeout must be a positive whole number of milliseconds');
  const token = values.token ?? process.env.SMOKE_TOKEN;
  return { baseUrl: new URL(values['base-url']), token: token || undefined, json: values.json, timeoutMs };
}

/** Runs the checks against one deployment; a base URL with a path prefix is honoured. */
class SmokeRun {
  private readonly origin: string;
  private readonly prefix: string;
  readonly results: CheckResult[] = [];

  constructor(private readonly options: Options) {
    this.origin = options.baseUrl.origin;
    this.prefix = options.baseUrl.pathname.replace(/\/+$/, '');
  }

  get timeoutMs(): number {
    return this.options.timeoutMs;
  }

  async check(name: string, body: () => Promise<string>): Promise<boolean> {
    const started = performance.now();
    let status: Status = 'pass';
    let detail: string;
    try {
      detail = await body();
    } catch (error) {
      status = 'fail';
      detail = describeError(error);
    }
    this.results.push({ name, status, durationMs: Math.round(performance.now() - started), detail });
    return status === 'pass';
  }

  skip(name: string, detail: string): void {
    this.results.push({ name, status: 'skip', durationMs: 0, detail });
  }

  async request(method: string, path: string, init: { token?: string; body?: unknown } = {}): Promise<{ status: number; body: unknown }> {
    const response = await fetch(`${this.origin}${this.prefix}${path}`, {
      method,
      headers: {
        accept: 'application/json',
        ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: AbortSignal.timeout(this.options.timeoutMs),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: keep the text for the message
    }
    return { status: response.status, body };
  }

  /** Opens a socket presenting `ticket`; resolves with the outcome, never rejects. */
  connect(ticket: string): Promise<{ socket?: Socket; error?: Error & { data?: unknown } }> {
    const socket = io(this.origin, {
      path: `${this.prefix}/socket.io`,
      auth: { ticket },
      reconnection: false,
      timeout: this.options.timeoutMs,
      forceNew: true,
    });
    return new Promise((resolve) => {
      socket.once('connect', () => resolve({ socket }));
      socket.once('connect_error', (error) => {
        socket.close();
        resolve({ error });
      });
    });
  }
}

async function runChecks(run: SmokeRun, token: string | undefined): Promise<void> {
  await run.check('health', async () => {
    const live = await run.request('GET', '/health/live');
    if (live.status !== 200) throw new CheckFailed(`GET /health/live answered ${live.status}`);
    const ready = await run.request('GET', '/health/ready');
    if (ready.status !== 200) throw new CheckFailed(`GET /health/ready answered ${ready.status}: ${summary(ready.body)}`);
    const info = (ready.body as { info?: Record<string, { status?: string }> }).info ?? {};
    return `live and ready (${Object.entries(info).map(([key, value]) => `${key} ${value.status}`).join(', ') || 'no indicators'})`;
  });

  await run.check('auth-required', async () => {
    const { status, body } = await run.request('POST', '/api/v1/websocket/ticket', { body: {} });
    const code = (body as { code?: unknown }).code;
    if (status !== 401 || code !== 'UNAUTHORIZED') throw new CheckFailed(`expected 401 UNAUTHORIZED, got ${status} ${String(code)}`);
    return 'generate without a token: 401 UNAUTHORIZED';
  });

  await run.check('openapi', async () => {
    const { status, body } = await run.request('GET', '/docs-json');
    if (status !== 200) throw new CheckFailed(`GET /docs-json answered ${status}`);
    const document = body as { openapi?: string; paths?: Record<string, Record<string, unknown>>; components?: { securitySchemes?: Record<string, { scheme?: string }> } };
    if (!document.openapi?.startsWith('3.')) throw new CheckFailed('not an OpenAPI 3 document');
    const missing = Object.entries(DOCUMENTED_ROUTES).flatMap(([path, methods]) =>
      methods.filter((method) => !document.paths?.[path]?.[method]).map((method) => `${method.toUpperCase()} ${path}`),
    );
    if (missing.length > 0) throw new CheckFailed(`missing routes: ${missing.join(', ')}`);
    const bearer = Object.values(document.components?.securitySchemes ?? {}).some((scheme) => scheme.scheme === 'bearer');
    if (!bearer) throw new CheckFailed('no bearer security scheme');
    return `OpenAPI ${document.openapi}: all ${Object.keys(DOCUMENTED_ROUTES).length} contract routes and the bearer scheme`;
  });

  if (!token) {
    for (const name of ['ticket', 'socket', 'replay-refused']) run.skip(name, 'no token given (SMOKE_TOKEN or --token)');
    return;
  }

  let ticket: string | undefined;
  await run.check('ticket', async () => {
    const { status, body } = await run.request('POST', '/api/v1/websocket/ticket', { token, body: { ttlSeconds: 60 } });
    const issued = body as { ticket?: unknown; userId?: unknown; expiresAt?: unknown };
    if (status !== 201) throw new CheckFailed(`expected 201, got ${status}: ${summary(body)}`);
    if (typeof issued.ticket !== 'string' || !TICKET_FORMAT.test(issued.ticket)) throw new CheckFailed('201 without a well-formed ticket');
    ticket = issued.ticket;
    return `issued for ${String(issued.userId)}, expires ${String(issued.expiresAt)}`;
  });
  if (!ticket) {
    for (const name of ['socket', 'replay-refused']) run.skip(name, 'needs the ticket the previous check did not get');
    return;
  }

  const presented = ticket;
  await run.check('socket', async () => {
    const { socket, error } = await run.connect(presented);
    if (!socket) throw new CheckFailed(`handshake with auth.ticket refused: ${connectErrorText(error)}`);
    try {
      const me = (await socket.timeout(run.timeoutMs).emitWithAck('whoami')) as { userId?: string; authMethod?: string };
      return `connected with the ticket; whoami: ${String(me.userId)} via ${String(me.authMethod)}`;
    } finally {
      socket.close();
    }
  });

  await run.check('replay-refused', async () => {
    const { socket, error } = await run.connect(presented);
    if (socket) {
      socket.close();
      throw new CheckFailed('the same ticket opened a second socket: single use is broken');
    }
    if (error?.message !== 'TICKET_INVALID') throw new CheckFailed(`expected connect_error TICKET_INVALID, got ${connectErrorText(error)}`);
    return 'second handshake with the same ticket: connect_error TICKET_INVALID';
  });
}

function summary(body: unknown): string {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return text.length > 160 ? `${text.slice(0, 160)}…` : text;
}

function connectErrorText(error: (Error & { data?: unknown }) | undefined): string {
  if (!error) return 'no answer';
  return error.data === undefined ? error.message : `${error.message} ${JSON.stringify(error.data)}`;
}

function describeError(error: unknown): string {
  if (error instanceof CheckFailed) return error.message;
  if (error instanceof Error && error.name === 'TimeoutError') return 'timed out';
  const cause = error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  const reason = cause?.code ?? cause?.message;
  if (reason) return `${(error as Error).message}: ${reason}`;
  return error instanceof Error ? error.message : String(error);
}

function humanReport(report: SmokeReport): string {
  const width = Math.max(...report.checks.map((check) => check.name.length));
  const lines = report.checks.map(
    (check) => `  ${check.status.toUpperCase().padEnd(4)}  ${check.name.padEnd(width)}  ${`${check.durationMs} ms`.padStart(8)}  ${check.detail}`,
  );
  const count = (status: Status) => report.checks.filter((check) => check.status === status).length;
  return [
    `Ticketgate smoke test against ${report.baseUrl}`,
    ...lines,
    `${report.ok ? 'OK' : 'FAILED'}: ${count('pass')} passed, ${count('fail')} failed, ${count('skip')} skipped in ${(report.durationMs / 1000).toFixed(1)} s`,
  ].join('\n');
}

async function main(): Promise<number> {
  let options: Options | 'help';
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const started = performance.now();
  const run = new SmokeRun(options);
  await runChecks(run, options.token);
  const report: SmokeReport = {
    baseUrl: options.baseUrl.href,
    ok: run.results.every((check) => check.status !== 'fail'),
    durationMs: Math.round(performance.now() - started),
    checks: run.results,
  };
  process.stdout.write(`${options.json ? JSON.stringify(report, null, 2) : humanReport(report)}\n`);
  return report.ok ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`smoke test crashed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
  },
);
