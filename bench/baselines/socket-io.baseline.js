'use strict';
/**
 * Baseline (c) of issue 7: a bare Socket.IO server (on node:http, default options, no
 * adapter) whose middleware does one `GETDEL` on the SHA-256 of `auth.ticket` — the least a
 * ticket handshake can cost. Its tickets are the Fastify baseline's (same keys).
 */
const { createHash } = require('node:crypto');
const { createServer } = require('node:http');
const { Server } = require('socket.io');
const { announceReady, BASELINE_TICKET_PREFIX, baselineEnv, baselineRedis } = require('./baseline-env');

const { port, redisUrl } = baselineEnv();
const redis = baselineRedis(redisUrl, 'bench:baseline-socket-io');
const httpServer = createServer();
const io = new Server(httpServer);

io.use((socket, next) => {
  const ticket = socket.handshake.auth && socket.handshake.auth.ticket;
  if (typeof ticket !== 'string') return next(new Error('AUTH_REQUIRED'));
  redis.getdel(BASELINE_TICKET_PREFIX + createHash('sha256').update(ticket).digest('base64url')).then(
    (stored) => {
      if (stored === null) return next(new Error('TICKET_INVALID'));
      socket.data = JSON.parse(stored);
      next();
    },
    () => next(new Error('AUTH_UNAVAILABLE')),
  );
});

httpServer.listen(port, '127.0.0.1', () =>
  announceReady(async () => {
    await io.close();
    redis.disconnect();
  }),
);
