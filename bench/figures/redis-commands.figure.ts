import { countCommands, CommandCount } from '../lib/bench-redis';
import { BenchContext, collectTickets, generateRequest, Side, takeTickets, validateRequest } from '../lib/context';
import { runLoad } from '../lib/http-load';
import { check, FigureResult, Measurement } from '../lib/results';

/** Operations of each kind before counting, so scripts are loaded (no NOSCRIPT retry counted). */
const WARM_OPERATIONS = 20;
const CONCURRENCY = 4;

/**
 * (6) Redis commands per operation, counted with MONITOR on the harness's Redis while a fixed
 * number of generates, validates and handshakes run: only commands sent by the side's own
 * connections count, a script call (EVALSHA) counts as one, commands run inside scripts are
 * reported apart. Issue 7's target: exactly one per generate and one per consume.
 */
export async function redisCommandsFigure(context: BenchContext): Promise<FigureResult> {
  const samples = context.options.commandSamples;
  const clients = await context.clients();
  const measured: Record<string, Measurement> = {};
  const counts: Record<string, Record<string, CommandCount>> = {};
  for (const side of context.sides) {
    context.progress(`redis · ${side.name}: counting commands over ${samples} of each operation`);
    const generate = (amount: number) => generateOps(context, side, amount);
    const validate = async (amount: number) => validateOps(context, side, await takeTickets(context, side, amount));
    const handshake = async (amount: number) => {
      const tickets = await takeTickets(context, side, amount);
      return (await clients.churn(side.sockets.baseUrl, tickets, CONCURRENCY, 120)).ok;
    };
    await generate(WARM_OPERATIONS);
    await validate(WARM_OPERATIONS);
    await handshake(WARM_OPERATIONS);
    // Tickets are generated before counting starts, so a fill's commands are never counted.
    const validateTickets = await takeTickets(context, side, samples);
    const handshakeTickets = await takeTickets(context, side, samples);
    counts[side.name] = {
      generate: await countCommands(context.redis, side.redisClientPrefix, () => generate(samples)),
      validate: await countCommands(context.redis, side.redisClientPrefix, () => validateOps(context, side, validateTickets)),
      handshake: await countCommands(context.redis, side.redisClientPrefix, async () =>
        (await clients.churn(side.sockets.baseUrl, handshakeTickets, CONCURRENCY, 120)).ok,
      ),
    };
    measured[side.name] = {
      commandsPerGenerate: counts[side.name].generate.perOperation,
      commandsPerValidate: counts[side.name].validate.perOperation,
      commandsPerHandshake: counts[side.name].handshake.perOperation,
      generateBreakdown: counts[side.name].generate.breakdown,
      validateBreakdown: counts[side.name].validate.breakdown,
      handshakeBreakdown: counts[side.name].handshake.breakdown,
      commandsInsideScriptsPerGenerate: counts[side.name].generate.insideScriptsPerOperation,
      commandsInsideScriptsPerValidate: counts[side.name].validate.insideScriptsPerOperation,
      commandsInsideScriptsPerHandshake: counts[side.name].handshake.insideScriptsPerOperation,
      operations: samples,
    };
  }
  const { ticketgate, baseline } = measured;
  const row = (metric: string, key: string) =>
    check('redis', metric, 'cmds', Number(ticketgate[key]), Number(baseline[key]), { kind: 'equal', value: 1 });
  const describe = (count: CommandCount) => Object.entries(count.breakdown).map(([command, perOp]) => `${perOp}× ${command}`).join(', ');
  return {
    figure: 'redis',
    ticketgate,
    baseline,
    checks: [
      row('Redis commands per generate', 'commandsPerGenerate'),
      row('Redis commands per validate (consume)', 'commandsPerValidate'),
      row('Redis commands per handshake (consume)', 'commandsPerHandshake'),
    ],
    notes: (['generate', 'validate', 'handshake'] as const).map(
      (operation) => `redis · ticketgate per ${operation}: ${describe(counts.ticketgate[operation])}`,
    ),
  };
}

async function generateOps(context: BenchContext, side: Side, amount: number): Promise<number> {
  const collector = collectTickets(side);
  const result = await runLoad({ baseUrl: side.http.baseUrl, connections: CONCURRENCY, amount, next: () => generateRequest(context), onResponse: collector.onResponse });
  collector.flush();
  return result.ok;
}

async function validateOps(context: BenchContext, side: Side, tickets: string[]): Promise<number> {
  let next = 0;
  const result = await runLoad({ baseUrl: side.http.baseUrl, connections: CONCURRENCY, amount: tickets.length, next: () => validateRequest(context, tickets[next++]) });
  return result.ok;
}
