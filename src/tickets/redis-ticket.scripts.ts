/**
 * Lua scripts of the Redis ticket store; each runs atomically.
 *
 * Keys: a ticket is a hash at `<p>ticket:{<sha256>}` with fields `u` (user id) and `r` (record
 * JSON); its tombstone is `<p>tomb:{<sha256>}` (same hash tag, so same cluster slot); a user's
 * index is a sorted set at `<p>user:{<sha1(userId)>}:tickets` scoring ticket hashes by expiry (ms),
 * and the user's generation counter for the current minute is `<p>user:{<sha1(userId)>}:rate`
 * (same hash tag as the index, so the two share a slot).
 *
 * On a single node (standalone or Sentinel) every operation is ONE script touching both the
 * ticket and the index: one round trip. In Cluster mode the ticket and the index live in
 * different slots, so each operation is split into a ticket-slot script and an index-slot
 * script, ordered so the guarantees still hold (see RedisClusterTicketStore).
 *
 * The scripts are assembled from the fragments below so the two modes share their logic.
 */

/**
 * Counts one generation in the user's fixed one-minute window; replies {-2, msLeftInWindow} past
 * the limit. A limit of 0 means none.
 */
const COUNT_RATE = (rate: string, limit: string, windowMs: string) => `
if tonumber(${limit}) > 0 then
  local hits = redis.call('INCR', ${rate})
  if hits == 1 then redis.call('PEXPIRE', ${rate}, ${windowMs}) end
  if hits > tonumber(${limit}) then return {-2, redis.call('PTTL', ${rate})} end
end
`;

/** Prunes expired entries from the index; replies {0, soonestExpiry} when the cap is reached. */
const RESERVE = (index: string, nowMs: string, maxActive: string, expiresAtMs: string, hash: string) => `
redis.call('ZREMRANGEBYSCORE', ${index}, '-inf', ${nowMs})
if redis.call('ZCARD', ${index}) >= tonumber(${maxActive}) then
  local soonest = redis.call('ZRANGE', ${index}, 0, 0, 'WITHSCORES')
  return {0, soonest[2]}
end
redis.call('ZADD', ${index}, ${expiresAtMs}, ${hash})
local latest = redis.call('ZRANGE', ${index}, -1, -1, 'WITHSCORES')
redis.call('PEXPIREAT', ${index}, latest[2])
`;

/** Stores the ticket hash with its TTL; replies {-1} on a (practically impossible) collision. */
const STORE = (ticket: string, userId: string, record: string, ttlSeconds: string) => `
if redis.call('EXISTS', ${ticket}) == 1 then return {-1} end
redis.call('HSET', ${ticket}, 'u', ${userId}, 'r', ${record})
redis.call('EXPIRE', ${ticket}, ${ttlSeconds})
`;

/** Reads and deletes a ticket, leaving a tombstone; replies {0[, tombstone]} when there is none. */
const TAKE = (ticket: string, tomb: string, graceMs: string) => `
local found = redis.call('HMGET', ${ticket}, 'u', 'r')
if not found[1] then
  local tombstone = redis.call('GET', ${tomb})
  if tombstone then return {0, tombstone} end
  return {0}
end
local pttl = redis.call('PTTL', ${ticket})
redis.call('DEL', ${ticket})
redis.call('SET', ${tomb}, 'replayed:' .. found[1], 'PX', math.max(pttl, 1) + tonumber(${graceMs}))
`;

/** Deletes a ticket owned by `owner` ('' = anyone), leaving a tombstone; replies 0 when there is none. */
const REVOKE = (ticket: string, tomb: string, owner: string, graceMs: string) => `
local owner = redis.call('HGET', ${ticket}, 'u')
if not owner then return 0 end
if ${owner} ~= '' and ${owner} ~= owner then return 0 end
local pttl = redis.call('PTTL', ${ticket})
redis.call('DEL', ${ticket})
redis.call('SET', ${tomb}, 'revoked:' .. owner, 'PX', math.max(pttl, 1) + tonumber(${graceMs}))
`;

/** Index key of a user, derived inside a script from the user id (standalone only). */
const INDEX_OF = (userIdExpr: string) => `ARGV[1] .. redis.sha1hex(${userIdExpr}) .. ARGV[2]`;

// ---- single node: one script per operation ----

/** KEYS: ticket, index, rate. ARGV: userId, record, ttlSeconds, nowMs, expiresAtMs, maxActive, ticketHash, ratePerMinute, windowMs. */
export const ISSUE_SCRIPT = `${COUNT_RATE('KEYS[3]', 'ARGV[8]', 'ARGV[9]')}${RESERVE('KEYS[2]', 'ARGV[4]', 'ARGV[6]', 'ARGV[5]', 'ARGV[7]')}
${STORE('KEYS[1]', 'ARGV[1]', 'ARGV[2]', 'ARGV[3]')}
return {1}
`;

/** KEYS: ticket, tombstone. ARGV: indexPrefix, indexSuffix, ticketHash, graceMs. */
export const CONSUME_SCRIPT = `
${TAKE('KEYS[1]', 'KEYS[2]', 'ARGV[4]')}
redis.call('ZREM', ${INDEX_OF('found[1]')}, ARGV[3])
return {1, found[2]}
`;

/** KEYS: ticket, tombstone. ARGV: indexPrefix, indexSuffix, ticketHash, graceMs, ownerId ('' = any). */
export const REVOKE_SCRIPT = `
${REVOKE('KEYS[1]', 'KEYS[2]', 'ARGV[5]', 'ARGV[4]')}
redis.call('ZREM', ${INDEX_OF('owner')}, ARGV[3])
return 1
`;

/** KEYS: index. ARGV: nowMs, ticketPrefix, tombPrefix, graceMs. */
export const REVOKE_ALL_SCRIPT = `
local hashes = redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[1], '+inf')
local revoked = 0
for _, hash in ipairs(hashes) do
  local ticket = ARGV[2] .. hash .. '}'
  local owner = redis.call('HGET', ticket, 'u')
  if owner then
    local pttl = redis.call('PTTL', ticket)
    redis.call('DEL', ticket)
    redis.call('SET', ARGV[3] .. hash .. '}', 'revoked:' .. owner, 'PX', math.max(pttl, 1) + tonumber(ARGV[4]))
    revoked = revoked + 1
  end
end
redis.call('DEL', KEYS[1])
return revoked
`;

// ---- cluster: one script per slot ----

/** KEYS: index, rate. ARGV: nowMs, maxActive, expiresAtMs, ticketHash, ratePerMinute, windowMs. */
export const CLUSTER_RESERVE_SCRIPT = `${COUNT_RATE('KEYS[2]', 'ARGV[5]', 'ARGV[6]')}${RESERVE('KEYS[1]', 'ARGV[1]', 'ARGV[2]', 'ARGV[3]', 'ARGV[4]')}
return {1}
`;

/** KEYS: ticket. ARGV: userId, record, ttlSeconds. */
export const CLUSTER_STORE_SCRIPT = `${STORE('KEYS[1]', 'ARGV[1]', 'ARGV[2]', 'ARGV[3]')}
return {1}
`;

/** KEYS: ticket, tombstone. ARGV: graceMs. Replies {1, userId, record} or {0[, tombstone]}. */
export const CLUSTER_TAKE_SCRIPT = `${TAKE('KEYS[1]', 'KEYS[2]', 'ARGV[1]')}
return {1, found[1], found[2]}
`;

/** KEYS: ticket, tombstone. ARGV: ownerId ('' = any), graceMs. Replies the owner, or 0. */
export const CLUSTER_REVOKE_SCRIPT = `${REVOKE('KEYS[1]', 'KEYS[2]', 'ARGV[1]', 'ARGV[2]')}
return owner
`;
