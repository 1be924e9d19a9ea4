-- Publishes one message of a channel atomically: assigns the next offset of the channel's
-- epoch, appends retained messages to the history stream, refreshes the expiry of the
-- channel's keys and publishes the frame to the nodes that listen.
-- KEYS[1] meta hash (epoch, offset, floor), KEYS[2] history stream
-- ARGV: epoch to use if the channel has none, retain (1/0), history size, history ttl (ms),
--       pub/sub channel, kind, topic, run id flag (1/0), run id, data, traceparent (empty for
--       none: the header then keeps its six fields)
local meta, stream = KEYS[1], KEYS[2]
local epoch = redis.call('HGET', meta, 'epoch')
if not epoch then
	-- The channel is new or Redis lost it: whatever history is left belongs to a lost epoch
	epoch = ARGV[1]
	redis.call('DEL', stream)
	redis.call('HSET', meta, 'epoch', epoch, 'offset', 0, 'floor', 0)
end
local offset = redis.call('HINCRBY', meta, 'offset', 1)
local time = redis.call('TIME')
local micros = time[1] .. string.format('%06d', tonumber(time[2]))
local runIdLength = -1
if ARGV[8] == '1' then
	runIdLength = #ARGV[9]
end
local header = offset .. ' ' .. epoch .. ' ' .. micros .. ' ' .. ARGV[6] .. ' ' .. #ARGV[7] .. ' ' .. runIdLength
if #ARGV[11] > 0 then
	header = header .. ' ' .. #ARGV[11]
end
local frame = header .. '\n' .. ARGV[7] .. ARGV[9] .. ARGV[11] .. ARGV[10]
if ARGV[2] == '1' then
	redis.call('XADD', stream, offset .. '-0', 'f', frame)
	local excess = redis.call('XLEN', stream) - tonumber(ARGV[3])
	if excess > 0 then
		local evicted = redis.call('XRANGE', stream, '-', '+', 'COUNT', excess)
		redis.call('XTRIM', stream, 'MAXLEN', ARGV[3])
		redis.call('HSET', meta, 'floor', string.match(evicted[#evicted][1], '^%d+'))
	end
end
redis.call('PEXPIRE', meta, ARGV[4])
redis.call('PEXPIRE', stream, ARGV[4])
redis.call('PUBLISH', ARGV[5], frame)
return { tostring(offset), epoch, micros }
