/**
 * Lua scripts of the Redis ticket store; each runs atomically in one round trip.
 *
 * Keys: a ticket is a hash at `<p>ticket:{<sha256>}` with fields `u` (user id) and `r` (record
 * JSON); its tombstone is `<p>tomb:{<sha256>}`; a user's index is a sorted set at
 * `<p>user:{<sha1(userId)>}:tickets` scoring each ticket hash by its expiry (ms).
 * The index key is derived inside the scripts from the user id (`redis.sha1hex`), so a single
 * node runs each operation as one script. (Cluster mode splits them; see issue 6.)
 */

/** KEYS: ticket, index. ARGV: userId, record, ttlSeconds, nowMs, expiresAtMs, maxActive, ticketHash. */
export const ISSUE_SCRIPT = `
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[4])
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[6]) then
  local soonest = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
  return {0, soonest[2]}
end
if redis.call('EXISTS', KEYS[1]) == 1 then return {-1} end
redis.call('HSET', KEYS[1], 'u', ARGV[1], 'r', ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[3])
redis.call('ZADD', KEYS[2], ARGV[5], ARGV[7])
local latest = redis.call('ZRANGE', KEYS[2], -1, -1, 'WITHSCORES')
redis.call('PEXPIREAT', KEYS[2], latest[2])
return {1}
`;

/** KEYS: ticket, tombstone. ARGV: indexPrefix, indexSuffix, ticketHash, graceMs. */
export const CONSUME_SCRIPT = `
local found = redis.call('HMGET', KEYS[1], 'u', 'r')
if not found[1] then
  local tomb = redis.call('GET', KEYS[2])
  if tomb then return {0, tomb} end
  return {0}
end
local pttl = redis.call('PTTL', KEYS[1])
redis.call('DEL', KEYS[1])
redis.call('SET', KEYS[2], 'replayed:' .. found[1], 'PX', math.max(pttl, 1) + tonumber(ARGV[4]))
redis.call('ZREM', ARGV[1] .. redis.sha1hex(found[1]) .. ARGV[2], ARGV[3])
return {1, found[2]}
`;

/** KEYS: ticket, tombstone. ARGV: ownerId ('' for any owner), indexPrefix, indexSuffix, ticketHash, graceMs. */
export const REVOKE_SCRIPT = `
local owner = redis.call('HGET', KEYS[1], 'u')
if not owner then return 0 end
if ARGV[1] ~= '' and ARGV[1] ~= owner then return 0 end
local pttl = redis.call('PTTL', KEYS[1])
redis.call('DEL', KEYS[1])
redis.call('SET', KEYS[2], 'revoked:' .. owner, 'PX', math.max(pttl, 1) + tonumber(ARGV[5]))
redis.call('ZREM', ARGV[2] .. redis.sha1hex(owner) .. ARGV[3], ARGV[4])
return 1
`;

/** KEYS: index. ARGV: nowMs, ticketPrefix, tombPrefix, userId, graceMs. */
export const REVOKE_ALL_SCRIPT = `
local hashes = redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[1], '+inf')
local revoked = 0
for _, hash in ipairs(hashes) do
  local key = ARGV[2] .. hash .. '}'
  local pttl = redis.call('PTTL', key)
  if pttl > 0 then
    redis.call('DEL', key)
    redis.call('SET', ARGV[3] .. hash .. '}', 'revoked:' .. ARGV[4], 'PX', pttl + tonumber(ARGV[5]))
    revoked = revoked + 1
  end
end
redis.call('DEL', KEYS[1])
return revoked
`;
