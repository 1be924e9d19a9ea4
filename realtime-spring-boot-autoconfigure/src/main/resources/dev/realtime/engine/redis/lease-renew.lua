-- Renews a lease held by a claim and records its attempt; 0 when the claim lost it, 2 when a
-- cancel was asked for, 1 otherwise. With a ttl of 0 it only checks the claim.
-- KEYS[1] lease hash, KEYS[2] index of leases by expiry
-- ARGV: claim, attempt, ttl (ms), retention of the hash (ms)
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local held = redis.call('HMGET', KEYS[1], 'state', 'claim', 'expires', 'cancel')
if held[1] ~= 'active' or held[2] ~= ARGV[1] or tonumber(held[3]) <= now then
	return 0
end
if tonumber(ARGV[3]) > 0 then
	local expires = now + tonumber(ARGV[3])
	redis.call('HSET', KEYS[1], 'attempt', ARGV[2], 'expires', expires)
	redis.call('PEXPIRE', KEYS[1], ARGV[4])
	redis.call('ZADD', KEYS[2], expires, KEYS[1])
end
if held[4] == '1' then
	return 2
end
return 1
