import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { MAX_HELD_CHARS, TurnBatchedDestination } from './turn-batched-destination';

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('TurnBatchedDestination', () => {
  let writes: string[];
  let destination: TurnBatchedDestination;

  beforeEach(() => {
    writes = [];
    destination = new TurnBatchedDestination({ write: (chunk: string) => writes.push(chunk) });
  });
  afterEach(() => destination.flush());

  it('writes the lines of one turn in one write, in order, once the turn ends', async () => {
    destination.write('{"n":1}\n');
    destination.write('{"n":2}\n');
    destination.write('{"n":3}\n');
    expect(writes).toEqual([]);

    await nextTurn();
    expect(writes).toEqual(['{"n":1}\n{"n":2}\n{"n":3}\n']);
  });

  it('gives each turn its own write', async () => {
    destination.write('first\n');
    await nextTurn();
    destination.write('second\n');
    await nextTurn();
    await nextTurn();
    expect(writes).toEqual(['first\n', 'second\n']);
  });

  it(`writes at once, mid-turn, when the held lines reach ${MAX_HELD_CHARS} characters`, async () => {
    const line = `${'x'.repeat(999)}\n`;
    const lines = Math.ceil(MAX_HELD_CHARS / line.length);
    for (let index = 0; index < lines; index += 1) destination.write(line);
    expect(writes).toEqual([line.repeat(lines)]);

    destination.write('tail\n');
    await nextTurn();
    expect(writes).toEqual([line.repeat(lines), 'tail\n']);
  });

  it("writes the held lines when flushed (pino's logger.flush) and calls back", () => {
    const done = jest.fn();
    destination.write('held\n');
    destination.flush(done);
    expect(writes).toEqual(['held\n']);
    expect(done).toHaveBeenCalledTimes(1);
  });

  it('writes held lines and every later one at once after writeThrough (shutdown)', () => {
    destination.write('held\n');
    destination.writeThrough();
    expect(writes).toEqual(['held\n']);

    destination.write('during shutdown\n');
    expect(writes).toEqual(['held\n', 'during shutdown\n']);
  });

  it.each([
    ['process.exit()', 'process.exit(3)', 3],
    ['an uncaught exception', "throw new Error('boom')", 1],
  ])('writes the lines of the last turn when the process ends by %s', (_how, ending, code) => {
    const script = [
      "const pino = require('pino');",
      `const { TurnBatchedDestination } = require(${JSON.stringify(join(__dirname, 'turn-batched-destination.ts'))});`,
      'const logger = pino({}, new TurnBatchedDestination(pino.destination({ dest: 1, sync: true })));',
      "logger.info('first'); logger.warn('last');",
      ending,
    ].join('\n');
    const run = spawnSync(process.execPath, ['-r', '@swc-node/register', '-e', script], { encoding: 'utf8', timeout: 20_000 });

    expect(run.status).toBe(code);
    const messages = run.stdout.trim().split('\n').map((line) => (JSON.parse(line) as { msg: string }).msg);
    expect(messages).toEqual(['first', 'last']);
  });
});
