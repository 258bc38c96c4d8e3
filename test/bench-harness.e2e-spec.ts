import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTs } from './support/spawn';

const FIGURES = ['redis', 'generate', 'validate', 'latency', 'handshake', 'rss'];

/** The numbers each figure must report for both sides (ticketgate and baseline). */
const METRICS: Record<string, string[]> = {
  redis: ['commandsPerGenerate', 'commandsPerValidate', 'commandsPerHandshake'],
  generate: ['requestsPerSecond', 'serverCpuUsPerRequest', 'p50Ms', 'p99Ms'],
  validate: ['requestsPerSecond', 'serverCpuUsPerRequest', 'p50Ms', 'p99Ms'],
  latency: ['achievedRate', 'p50Ms', 'p99Ms', 'serverCpuUsPerRequest'],
  handshake: ['handshakesPerSecond', 'serverCpuUsPerHandshake'],
  rss: ['rssPerSocketKiB', 'rssBeforeKiB', 'rssAfterKiB', 'sockets'],
};

interface Results {
  mode: string;
  flags: Record<string, unknown>;
  machine: { cpus: number; node: string; redis: string; loadAverage: { start: number[]; end: number[] } };
  app: { settings: Record<string, string> };
  figures: Record<string, { ticketgate: Record<string, unknown>; baseline: Record<string, unknown>; notes: string[]; rounds?: { ticketgate: Record<string, number>; baseline: Record<string, number> }[] }>;
  checks: { figure: string; metric: string; ticketgate: number; baseline: number | null; ratio: number | null }[];
}

/**
 * `npm run bench` end to end in a tiny mode: it proves the harness starts its own Redis, the
 * app and the baselines, measures every figure on both sides, prints the table, writes the
 * JSON and stops what it started. No performance number is asserted — only that each exists.
 */
describe('benchmark harness (bench/run.ts)', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ticketgate-bench-test-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('measures every figure for the app and its baselines and writes results.json', async () => {
    const out = join(dir, 'results.json');
    const { code, stdout, stderr } = await runTs(
      'bench/run.ts',
      [
        // The app straight from src/ through SWC: a production build would take longer than the whole test.
        '--app-entry=src/main.ts',
        '--duration=0.5',
        '--warmup=0.3',
        '--connections=4',
        '--sockets=30',
        '--rate=100',
        '--users=20',
        '--command-samples=10',
        '--client-processes=1',
        `--out=${out}`,
      ],
      {},
      45_000,
    );
    expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' });

    const results = JSON.parse(readFileSync(out, 'utf8')) as Results;
    expect(results.mode).toBe('custom');
    expect(results.machine).toMatchObject({ cpus: expect.any(Number), node: process.version, redis: expect.stringMatching(/^\d+\.\d+/) });
    expect(results.machine.loadAverage.start).toHaveLength(3);
    expect(results.app.settings).toMatchObject({ NODE_ENV: 'production', LOG_LEVEL: 'info' });
    expect(Object.keys(results.figures).sort()).toEqual([...FIGURES].sort());
    for (const figure of FIGURES) {
      for (const side of ['ticketgate', 'baseline'] as const) {
        for (const metric of METRICS[figure]) {
          expect({ figure, side, metric, value: results.figures[figure][side][metric] }).toEqual({ figure, side, metric, value: expect.any(Number) });
          expect(Number.isFinite(results.figures[figure][side][metric])).toBe(true);
        }
      }
      expect(results.checks.some((row) => row.figure === figure)).toBe(true);
    }

    expect(stdout).toMatch(/^figure\s+metric\s+ticketgate\s+baseline\s+ratio\s+target\s+result$/m);
    expect(stdout).toMatch(/^targets: \d+ passed, \d+ failed/m);
    // Neither a JWT nor a ticket is ever printed.
    expect(stdout + stderr).not.toMatch(/eyJ[A-Za-z0-9_-]+\.|tkt_[A-Za-z0-9_-]{43}/);
  }, 50_000);

  it('with --rounds, repeats the CPU-ratio figures and reports the median round', async () => {
    const out = join(dir, 'rounds.json');
    const { code, stderr } = await runTs(
      'bench/run.ts',
      ['--app-entry=src/main.ts', '--only=redis,generate', '--rounds=3', '--duration=0.4', '--warmup=0.2', '--connections=4', '--users=20', '--command-samples=5', `--out=${out}`],
      {},
      45_000,
    );
    expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' });

    const results = JSON.parse(readFileSync(out, 'utf8')) as Results;
    expect(results.flags.rounds).toBe(3);
    // Only the ratio figures repeat; the Redis command count is measured once.
    expect(results.figures.redis.rounds).toBeUndefined();
    const rounds = results.figures.generate.rounds!;
    expect(rounds).toHaveLength(3);
    const ratios = rounds.map((round) => round.ticketgate.serverCpuUsPerRequest / round.baseline.serverCpuUsPerRequest).sort((a, b) => a - b);
    const shown = results.checks.find((row) => row.figure === 'generate' && row.metric === 'server CPU per request')!;
    expect(shown.ratio).toBeCloseTo(ratios[1], 2);
    expect(results.figures.generate.notes).toContainEqual(expect.stringMatching(/^server CPU per request: ratio per round (\d+\.\d+×, ){2}\d+\.\d+×; median shown$/));
  }, 50_000);

  it('bench:pair runs two builds side by side and prints each round and the ratio B/A', async () => {
    const { code, stdout, stderr } = await runTs(
      'bench/pair.ts',
      // The same source twice: the test proves the plumbing, not a difference.
      ['--a=src/main.ts', '--b=src/main.ts', '--b-node-options=--max-semi-space-size=8', '--figure=handshake', '--rate=40', '--duration=0.6', '--warmup=0.3', '--rounds=2'],
      {},
      45_000,
    );
    expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toMatch(/^paired handshake · 40\/s each · 2 rounds of 0\.6 s · LOG_LEVEL=info$/m);
    expect(stdout).toMatch(/^A: src\/main\.ts$/m);
    expect(stdout).toMatch(/^B: --max-semi-space-size=8 src\/main\.ts$/m);
    const rounds = [...stdout.matchAll(/^\s+(\d+)\s+(\d+\.\d)\s+(\d+\.\d)\s+(\d\.\d{3})$/gm)];
    expect(rounds.map((round) => round[1])).toEqual(['1', '2']);
    for (const [, , a, b, ratio] of rounds) {
      expect(Number(a)).toBeGreaterThan(0);
      expect(Number(b)).toBeGreaterThan(0);
      expect(Number(ratio)).toBeCloseTo(Number(b) / Number(a), 1);
    }
    expect(stdout).toMatch(/^B\/A over all rounds: \d\.\d{3} · B cheaper in [0-2] of 2 rounds$/m);
    expect(stdout + stderr).not.toMatch(/eyJ[A-Za-z0-9_-]+\.|tkt_[A-Za-z0-9_-]{43}/);
  }, 50_000);

  it("bench:pair starts each build with its own Node.js options: a flag Node refuses stops build A's start", async () => {
    const { code, stderr } = await runTs(
      'bench/pair.ts',
      ['--a=src/main.ts', '--b=src/main.ts', '--a-node-options=--no-such-node-flag', '--figure=generate', '--duration=0.5', '--rounds=1'],
      {},
      30_000,
    );
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/the app \(a; log .*\) exited \(code 9/);
  }, 35_000);

  it('bench:pair --connections drives both builds closed loop (saturated) and prints rounds of fixed length', async () => {
    const { code, stdout, stderr } = await runTs(
      'bench/pair.ts',
      ['--a=src/main.ts', '--b=src/main.ts', '--figure=validate', '--connections=4', '--rate=3000', '--duration=0.6', '--warmup=0.3', '--rounds=2'],
      {},
      60_000,
    );
    expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toMatch(/^paired validate · closed loop at 4 connections each · 2 rounds of 0\.6 s · LOG_LEVEL=info$/m);
    expect([...stdout.matchAll(/^\s+(\d+)\s+(\d+\.\d)\s+(\d+\.\d)\s+(\d\.\d{3})$/gm)].map((round) => round[1])).toEqual(['1', '2']);
  }, 65_000);

  it('bench:pair --connections with too few tickets for validate says so and fails instead of measuring refusals', async () => {
    const { code, stderr } = await runTs(
      'bench/pair.ts',
      ['--a=src/main.ts', '--b=src/main.ts', '--figure=validate', '--connections=4', '--rate=20', '--duration=0.6', '--warmup=0.3', '--rounds=1'],
      {},
      45_000,
    );
    expect(code).toBe(1);
    expect(stderr).toMatch(/ran out of tickets for \d+ validates \(raise --rate\)/);
  }, 50_000);

  it('bench:pair refuses --connections for handshakes, naming the flag', async () => {
    const { code, stderr } = await runTs('bench/pair.ts', ['--b=dist/main.js', '--figure=handshake', '--connections=50'], {}, 15_000);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^--connections applies to --figure=generate and --figure=validate/m);
  });

  it('bench:pair refuses a run without build B, naming the flag', async () => {
    const { code, stderr } = await runTs('bench/pair.ts', ['--figure=generate'], {}, 15_000);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^--b=ENTRY is required/m);
  });
});
