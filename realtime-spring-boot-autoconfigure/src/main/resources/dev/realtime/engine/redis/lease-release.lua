-- Marks the run of a lease held by a claim as ended: nobody takes it over any more.
-- KEYS[1] lease hash, KEYS[2] index of leases by expiry
-- ARGV: claim, retention of the ended mark (ms)
local held = redis.call('HMGET', KEYS[1], 'state', 'claim')
if held[1] ~= 'active' or held[2] ~= ARGV[1] then
	return 0
end
redis.call('HSET', KEYS[1], 'state', 'ended')
redis.call('HDEL', KEYS[1], 'input')
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('ZREM', KEYS[2], KEYS[1])
return 1
