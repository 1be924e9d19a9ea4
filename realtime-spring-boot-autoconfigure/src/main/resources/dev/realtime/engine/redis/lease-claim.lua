-- Takes over an expired lease with a new claim and the next attempt, atomically, so that one
-- node only wins it. Named runs are claimed only by nodes that know their definition.
-- KEYS[1] lease hash, KEYS[2] index of leases by expiry
-- ARGV: owner, claim, ttl (ms), retention of the hash (ms), definitions the node knows...
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local held = redis.call('HMGET', KEYS[1], 'state', 'expires', 'definition', 'attempt')
if held[1] ~= 'active' then
	redis.call('ZREM', KEYS[2], KEYS[1])
	return false
end
if tonumber(held[2]) > now then
	redis.call('ZADD', KEYS[2], held[2], KEYS[1])
	return false
end
if held[3] ~= '' then
	local known = false
	for i = 5, #ARGV do
		if ARGV[i] == held[3] then
			known = true
		end
	end
	if not known then
		return false
	end
end
local expires = now + tonumber(ARGV[3])
redis.call('HSET', KEYS[1], 'owner', ARGV[1], 'claim', ARGV[2], 'attempt', tonumber(held[4]) + 1, 'expires', expires)
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('ZADD', KEYS[2], expires, KEYS[1])
return redis.call('HMGET', KEYS[1], 'channel', 'runId', 'definition', 'input', 'attempt', 'maxAttempts', 'owner',
	'startedAt', 'cancel')
