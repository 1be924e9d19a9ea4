-- The members of one presence channel: a hash from user to its entry, {"i": info (JSON text),
-- "l": 1 when listed, "n": {node: expiry in Redis time}}, and a counter of the listed members.
-- A member is present while one of its nodes has not expired; nodes confirm theirs with
-- 'refresh', which also drops the members whose every node expired.
-- KEYS[1] members hash, KEYS[2] listed counter
-- ARGV: operation, node, ttl (ms), most listed members, then
--   join: user, info                     -> {joined, listed, count, info}
--   leave: user                          -> {left, listed, count, info}
--   refresh: (user, info)... of the node  -> {count, ('join'|'leave', user, info)...}
--   members:                             -> {count, (user, info)... of the listed}
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local operation, node, ttl, maxListed = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local expires = now + ttl

-- drops the expired nodes of an entry; returns whether it has a node left and whether it changed
local function prune(entry)
	local live, changed = false, false
	for name, expiry in pairs(entry.n) do
		if expiry <= now then
			entry.n[name] = nil
			changed = true
		else
			live = true
		end
	end
	return live, changed
end

local function listing()
	if tonumber(redis.call('GET', KEYS[2]) or '0') < maxListed then
		redis.call('INCR', KEYS[2])
		return 1
	end
	return 0
end

local function touch()
	redis.call('PEXPIRE', KEYS[1], ttl)
	if redis.call('EXISTS', KEYS[2]) == 1 then
		redis.call('PEXPIRE', KEYS[2], ttl)
	end
end

local function remove(user, entry)
	redis.call('HDEL', KEYS[1], user)
	if entry.l == 1 then
		redis.call('DECR', KEYS[2])
	end
end

if operation == 'join' then
	local user, info = ARGV[5], ARGV[6]
	local raw = redis.call('HGET', KEYS[1], user)
	local entry, joined
	if raw then
		entry = cjson.decode(raw)
		joined = not prune(entry)
	else
		entry = {n = {}, l = listing()}
		joined = true
	end
	entry.i = info
	entry.n[node] = expires
	redis.call('HSET', KEYS[1], user, cjson.encode(entry))
	touch()
	return {joined and 1 or 0, entry.l, redis.call('HLEN', KEYS[1]), info}
elseif operation == 'leave' then
	local user = ARGV[5]
	local raw = redis.call('HGET', KEYS[1], user)
	if not raw then
		return {0, 0, redis.call('HLEN', KEYS[1]), ''}
	end
	local entry = cjson.decode(raw)
	entry.n[node] = nil
	if prune(entry) then
		redis.call('HSET', KEYS[1], user, cjson.encode(entry))
		return {0, entry.l, redis.call('HLEN', KEYS[1]), entry.i}
	end
	remove(user, entry)
	return {1, entry.l, redis.call('HLEN', KEYS[1]), entry.i}
elseif operation == 'refresh' then
	local mine = {}
	for i = 5, #ARGV, 2 do
		mine[ARGV[i]] = ARGV[i + 1]
	end
	local changes = {}
	local all = redis.call('HGETALL', KEYS[1])
	for i = 1, #all, 2 do
		local user = all[i]
		local entry = cjson.decode(all[i + 1])
		if mine[user] then
			prune(entry)
			entry.n[node] = expires
			mine[user] = nil
			redis.call('HSET', KEYS[1], user, cjson.encode(entry))
		else
			local live, changed = prune(entry)
			if not live then
				remove(user, entry)
				if entry.l == 1 then
					table.insert(changes, 'leave')
					table.insert(changes, user)
					table.insert(changes, entry.i)
				end
			elseif changed then
				redis.call('HSET', KEYS[1], user, cjson.encode(entry))
			end
		end
	end
	-- members the store lost (Redis restarted, or the keys expired): back, and announced again
	for user, info in pairs(mine) do
		local entry = {n = {[node] = expires}, l = listing(), i = info}
		redis.call('HSET', KEYS[1], user, cjson.encode(entry))
		if entry.l == 1 then
			table.insert(changes, 'join')
			table.insert(changes, user)
			table.insert(changes, info)
		end
	end
	if redis.call('EXISTS', KEYS[1]) == 1 then
		touch()
	end
	table.insert(changes, 1, redis.call('HLEN', KEYS[1]))
	return changes
elseif operation == 'members' then
	local result = {0}
	local all = redis.call('HGETALL', KEYS[1])
	for i = 1, #all, 2 do
		local entry = cjson.decode(all[i + 1])
		if prune(entry) then
			result[1] = result[1] + 1
			if entry.l == 1 then
				table.insert(result, all[i])
				table.insert(result, entry.i)
			end
		end
	end
	return result
end
return redis.error_reply('Unknown presence operation ' .. operation)
