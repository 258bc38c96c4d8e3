'use strict';
/**
 * Baselines (a) and (b) of issue 7: a bare Fastify + ioredis server doing exactly the work of
 * Ticketgate's generate and validate routes and nothing else — no Nest, no guards, no
 * validation library, no logging. Same paths, bodies and response shapes as the app.
 *
 * - generate: HS256 verify with a KeyObject, 32 random bytes, SHA-256, one `SET NX EX`.
 * - validate: HS256 verify (and the permission check), one `GETDEL`.
 */
const { createHash, createSecretKey, randomBytes } = require('node:crypto');
const Fastify = require('fastify');
const jwt = require('jsonwebtoken');
const { announceReady, BASELINE_TICKET_PREFIX, baselineEnv, baselineRedis, validateAnswer } = require('./baseline-env');

const { port, redisUrl, jwtSecret } = baselineEnv();
const key = createSecretKey(Buffer.from(jwtSecret, 'utf8'));
const redis = baselineRedis(redisUrl, 'bench:baseline-fastify');
const app = Fastify({ logger: false, bodyLimit: 16 * 1024 });

function claimsOf(request) {
  const header = request.headers.authorization;
  if (typeof header !== 'string' || !header.startsWith('Bearer ')) return undefined;
  try {
    return jwt.verify(header.slice(7), key, { algorithms: ['HS256'] });
  } catch {
    return undefined;
  }
}

const unauthorized = (reply) => reply.code(401).send({ statusCode: 401, code: 'UNAUTHORIZED', message: 'Invalid token' });
const hashOf = (ticket) => createHash('sha256').update(ticket).digest('base64url');

app.post('/api/v1/websocket/ticket', async (request, reply) => {
  const claims = claimsOf(request);
  if (!claims) return unauthorized(reply);
  const ttlSeconds = (request.body && request.body.ttlSeconds) || 300;
  const ticket = `tkt_${randomBytes(32).toString('base64url')}`;
  const issuedAt = Date.now();
  const record = { userId: claims.sub, permissions: claims.permissions, issuedAt, expiresAt: issuedAt + ttlSeconds * 1000 };
  const stored = await redis.set(BASELINE_TICKET_PREFIX + hashOf(ticket), JSON.stringify(record), 'EX', ttlSeconds, 'NX');
  if (stored !== 'OK') return reply.code(503).send({ statusCode: 503, code: 'STORE_UNAVAILABLE', message: 'collision' });
  reply.code(201);
  return { ticket, expiresAt: new Date(record.expiresAt).toISOString(), ttlSeconds, userId: record.userId, permissions: record.permissions };
});

app.post('/api/v1/websocket/ticket/validate', async (request, reply) => {
  const claims = claimsOf(request);
  if (!claims) return unauthorized(reply);
  if (!Array.isArray(claims.permissions) || !claims.permissions.includes('tickets:validate')) {
    return reply.code(403).send({ statusCode: 403, code: 'FORBIDDEN', message: 'Missing permission' });
  }
  const ticket = request.body && request.body.ticket;
  if (typeof ticket !== 'string') return reply.code(400).send({ statusCode: 400, code: 'VALIDATION_FAILED', message: 'ticket must be a string' });
  return validateAnswer(await redis.getdel(BASELINE_TICKET_PREFIX + hashOf(ticket)));
});

app.listen({ port, host: '127.0.0.1' }).then(
  () =>
    announceReady(async () => {
      await app.close();
      redis.disconnect();
    }),
  (error) => {
    process.stderr.write(`baseline failed to start: ${String(error)}\n`);
    process.exit(1);
  },
);
