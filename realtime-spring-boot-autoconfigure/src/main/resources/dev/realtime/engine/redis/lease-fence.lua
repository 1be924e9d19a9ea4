-- Prepended to publish.lua: publishes only if the claim holds an unexpired lease.
-- KEYS[3] lease hash; ARGV[12] claim
local fence = redis.call('HMGET', KEYS[3], 'state', 'claim', 'expires')
local fenceTime = redis.call('TIME')
local fenceNow = tonumber(fenceTime[1]) * 1000 + math.floor(tonumber(fenceTime[2]) / 1000)
if fence[1] ~= 'active' or fence[2] ~= ARGV[12] or tonumber(fence[3]) <= fenceNow then
	return { 'lost' }
end
