-- Takes the lease of a new run unless an unexpired one is held.
-- KEYS[1] lease hash, KEYS[2] index of leases by expiry
-- ARGV: claim, owner, attempt, ttl (ms), channel, run id, definition ('' for ad hoc), input,
--       max attempts, started at (ms), retention of the hash (ms)
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local held = redis.call('HMGET', KEYS[1], 'state', 'expires')
if held[1] == 'active' and tonumber(held[2]) > now then
	return 0
end
redis.call('DEL', KEYS[1])
local expires = now + tonumber(ARGV[4])
redis.call('HSET', KEYS[1], 'state', 'active', 'claim', ARGV[1], 'owner', ARGV[2], 'attempt', ARGV[3],
	'expires', expires, 'channel', ARGV[5], 'runId', ARGV[6], 'definition', ARGV[7], 'input', ARGV[8],
	'maxAttempts', ARGV[9], 'startedAt', ARGV[10], 'cancel', '0')
redis.call('PEXPIRE', KEYS[1], ARGV[11])
redis.call('ZADD', KEYS[2], expires, KEYS[1])
return 1
