-- Publishes one message of a channel atomically: assigns the next offset of the channel's
-- epoch, appends retained messages to the history stream, refreshes the expiry of the
-- channel's keys and publishes the frame to the nodes that listen.
-- A chunk of a stream topic is appended to the topic's text (its chunks joined by commas)
-- and a reset replaces that text, in the same script that gives it its id, so that the
-- text and the ids agree; a hash of the channel's stream topics holds the offset and time
-- of each one's last chunk.
-- KEYS[1] meta hash (epoch, offset, floor), KEYS[2] history stream
-- ARGV: epoch to use if the channel has none, retain (1/0), history size, history ttl (ms),
--       pub/sub channel, kind, topic, run id flag (1/0), run id, data, traceparent (empty for
--       none: the header then keeps its six fields), (ARGV[12]: see lease-fence.lua),
--       stream ('' for none, 'append' or 'reset'), stream max size (bytes), stream ttl (ms)
local meta, stream = KEYS[1], KEYS[2]
local tag = string.sub(meta, 1, #meta - #':meta')
local streamMode = ARGV[13] or ''
local streamKey = tag .. ':stream:' .. ARGV[7]
local streamsKey = tag .. ':streams'
if streamMode ~= '' then
	local size = 0
	if streamMode == 'append' then
		size = redis.call('STRLEN', streamKey)
	end
	local after = size + #ARGV[10]
	if size > 0 then
		after = after + 1
	end
	if after > tonumber(ARGV[14]) then
		return { 'too_large', tostring(after) }
	end
end
local epoch = redis.call('HGET', meta, 'epoch')
if not epoch then
	-- The channel is new or Redis lost it: whatever history and stream texts are left
	-- belong to a lost epoch
	epoch = ARGV[1]
	redis.call('DEL', stream)
	for _, topic in ipairs(redis.call('HKEYS', streamsKey)) do
		redis.call('DEL', tag .. ':stream:' .. topic)
	end
	redis.call('DEL', streamsKey)
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
if streamMode == 'append' and redis.call('STRLEN', streamKey) > 0 then
	redis.call('APPEND', streamKey, ',' .. ARGV[10])
elseif streamMode ~= '' then
	redis.call('SET', streamKey, ARGV[10])
end
local metaTtl = tonumber(ARGV[4])
if streamMode ~= '' then
	redis.call('HSET', streamsKey, ARGV[7], offset .. ' ' .. micros)
	redis.call('PEXPIRE', streamKey, ARGV[15])
	redis.call('PEXPIRE', streamsKey, ARGV[15])
	-- the ids of the text's chunks stay in the channel's epoch for as long as the text
	metaTtl = math.max(metaTtl, tonumber(ARGV[15]))
end
redis.call('PEXPIRE', meta, math.max(metaTtl, redis.call('PTTL', meta)))
redis.call('PEXPIRE', stream, ARGV[4])
redis.call('PUBLISH', ARGV[5], frame)
return { tostring(offset), epoch, micros }
