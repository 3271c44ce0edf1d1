/** The Lua scripts of the fleet's token store and limiter: each runs atomically on one credential's keys (one Redis Cluster slot). */

/** Deletes KEYS[1] if it still is the lease ARGV[1]. */
export const RELEASE_LEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
/** Extends KEYS[1] by ARGV[2] ms if it still is the lease ARGV[1]. */
export const RENEW_LEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;
/** Deletes the token KEYS[1] if it is still the one whose sealed value starts with ARGV[1]. */
export const DISCARD_IF = `local v = redis.call('GET', KEYS[1])
if v and string.sub(v, 1, string.len(ARGV[1])) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;
/**
 * A refused token: dropped if still held (as DISCARD_IF). When it was fresh
 * (ARGV[3] = 1) and the last fresh refusal (KEYS[2]) was of another token, the
 * cool-down KEYS[3] starts (value ARGV[6], the end, for messages).
 */
export const REFUSED = `local v = redis.call('GET', KEYS[1])
if v and string.sub(v, 1, string.len(ARGV[1])) == ARGV[1] then redis.call('DEL', KEYS[1]) end
if ARGV[3] == '1' then
	local last = redis.call('GET', KEYS[2])
	if last and last ~= ARGV[2] then redis.call('SET', KEYS[3], ARGV[6], 'PX', ARGV[5]) end
	redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[4])
end
return 1`;
/**
 * One slot of ARGV[1] in the sorted set KEYS[1] (member ARGV[3], scored by its
 * expiry on Redis's own clock, so hosts' clocks do not matter): expired slots
 * (of processes that died) are dropped first.
 */
export const ACQUIRE_SLOT = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
	redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[3])
	if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
	return 1
end
return 0`;
/** Sets KEYS[2] to ARGV[2] for ARGV[3] ms if KEYS[1] still is the lease ARGV[1]; 0 when it is not. */
export const SET_UNDER_LEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3]) return 1 end return 0`;
