-- Asks for the run of a lease to be cancelled: 0 unknown run, 1 ended, 2 requested.
-- KEYS[1] lease hash
-- ARGV: pub/sub channel of cancel requests, run id
local state = redis.call('HGET', KEYS[1], 'state')
if not state then
	return 0
end
if state ~= 'active' then
	return 1
end
redis.call('HSET', KEYS[1], 'cancel', '1')
redis.call('PUBLISH', ARGV[1], ARGV[2])
return 2
