-- Reads the state of a channel in one consistent snapshot: its epoch, last offset and
-- eviction floor (the offset of the last retained message that left the history), and in
-- range mode the retained messages after an offset. Messages older than the history ttl
-- are evicted first, raising the floor.
-- With snapshots asked for, the range ends with one entry per stream topic whose last chunk
-- is after the offset: a frame of kind 'snapshot' with that chunk's offset and time and the
-- topic's chunks, joined by commas, as its data.
-- KEYS[1] meta hash, KEYS[2] history stream
-- ARGV: mode ('meta' or 'range'), history ttl (microseconds), after offset, after epoch,
--       snapshots ('1' or '0')
local meta, stream = KEYS[1], KEYS[2]
local state = redis.call('HMGET', meta, 'epoch', 'offset', 'floor')
if not state[1] then
	return {}
end
local floor = state[3]
if ARGV[1] == 'meta' then
	return { state[1], state[2], floor }
end
local time = redis.call('TIME')
local oldest = tonumber(time[1]) * 1000000 + tonumber(time[2]) - tonumber(ARGV[2])
while true do
	local batch = redis.call('XRANGE', stream, '-', '+', 'COUNT', 100)
	local expired = 0
	for _, entry in ipairs(batch) do
		if tonumber(string.match(entry[2][2], '^%d+ %w+ (%d+)')) >= oldest then
			break
		end
		expired = expired + 1
		floor = string.match(entry[1], '^%d+')
	end
	if expired > 0 then
		redis.call('XTRIM', stream, 'MAXLEN', redis.call('XLEN', stream) - expired)
		redis.call('HSET', meta, 'floor', floor)
	end
	if expired < 100 then
		break
	end
end
local after = 0
if ARGV[4] == state[1] then
	after = tonumber(ARGV[3])
end
local result = { state[1], state[2], floor }
for _, entry in ipairs(redis.call('XRANGE', stream, (after + 1) .. '-0', '+')) do
	result[#result + 1] = entry[2][2]
end
if ARGV[5] == '1' then
	local tag = string.sub(meta, 1, #meta - #':meta')
	local streams = redis.call('HGETALL', tag .. ':streams')
	for i = 1, #streams, 2 do
		local topic = streams[i]
		local offset, micros = string.match(streams[i + 1], '^(%d+) (%d+)$')
		local text = redis.call('GET', tag .. ':stream:' .. topic)
		if text and tonumber(offset) > after then
			result[#result + 1] = offset .. ' ' .. state[1] .. ' ' .. micros .. ' snapshot ' .. #topic .. ' -1\n'
				.. topic .. text
		end
	end
end
return result
