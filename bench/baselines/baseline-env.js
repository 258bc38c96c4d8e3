'use strict';
// Shared by the baselines: plain CommonJS run with bare `node`, so no compiler or require hook
// sits in the process being measured (its RSS included).
const { Redis } = require('ioredis');

/** Keys of the baselines' tickets: `bench:ticket:<sha256 of the ticket, base64url>`. */
const BASELINE_TICKET_PREFIX = 'bench:ticket:';

/** PORT, REDIS_URL and JWT_SECRET, as the harness passes them. */
function baselineEnv() {
  const { PORT, REDIS_URL, JWT_SECRET } = process.env;
  if (!PORT || !REDIS_URL || !JWT_SECRET) throw new Error('PORT, REDIS_URL and JWT_SECRET are required');
  return { port: Number(PORT), redisUrl: REDIS_URL, jwtSecret: JWT_SECRET };
}

/** One plain ioredis client, named so the harness can count its commands. */
function baselineRedis(url, name) {
  return new Redis(url, { connectionName: name, maxRetriesPerRequest: 1 });
}

/** Tells the harness it is listening, and exits when the harness goes away. */
function announceReady(close) {
  process.send({ type: 'ready', pid: process.pid });
  const stop = () => {
    Promise.resolve()
      .then(close)
      .finally(() => process.exit(0));
  };
  process.once('disconnect', stop);
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

/** Validate's answer for a ticket's stored JSON (null when GETDEL found none), as the app's. */
function validateAnswer(stored) {
  if (stored === null) return { valid: false };
  const record = JSON.parse(stored);
  return {
    valid: true,
    userId: record.userId,
    permissions: record.permissions,
    issuedAt: new Date(record.issuedAt).toISOString(),
    expiresAt: new Date(record.expiresAt).toISOString(),
  };
}

module.exports = { BASELINE_TICKET_PREFIX, baselineEnv, baselineRedis, announceReady, validateAnswer };
