// The search index's Lua scripts: each runs atomically inside the `{search}` slot, so a reader never sees an
// instance half moved from one set to another, and a search counts and pages one consistent picture.

/**
 * Upsert. KEYS: docs, updated, started, ids, statesOf, then the instance's n new sets by update time, the same n by
 * start time, then the sets of the stored document (to leave). ARGV: id, offset, document, updatedAt, createdAt,
 * state, n, the stored document as read ('' for none). The transitions offset orders writes to one instance (it
 * always lives on one partition): an older write than the document's is dropped, and a tombstone wins over a
 * write at its own offset. Answers -1 when the document changed since it was read: read again and retry.
 */
export const UPSERT_SCRIPT = `
local old = redis.call('HGET', KEYS[1], ARGV[1])
if (old or '') ~= ARGV[8] then return -1 end
local offset = tonumber(ARGV[2])
if old then
  local doc = cjson.decode(old)
  local at = tonumber(doc.o)
  if at > offset or (at == offset and doc.g) then return 0 end
end
local n = tonumber(ARGV[7])
for i = 6 + 2 * n, #KEYS do redis.call('ZREM', KEYS[i], ARGV[1]) end
for i = 6, 5 + n do redis.call('ZADD', KEYS[i], ARGV[4], ARGV[1]) end
for i = 6 + n, 5 + 2 * n do redis.call('ZADD', KEYS[i], ARGV[5], ARGV[1]) end
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[1])
redis.call('ZADD', KEYS[3], ARGV[5], ARGV[1])
redis.call('ZADD', KEYS[4], 0, ARGV[1])
redis.call('SADD', KEYS[5], ARGV[6])
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
return 1
`;

/**
 * Removal. KEYS: docs, updated, started, ids, then the sets of the stored document. ARGV: id, offset, tombstone,
 * the stored document as read (''). The tombstone keeps the offset so a redelivered older record cannot bring
 * the instance back; a later incarnation (a higher offset) replaces it. -1 as for an upsert.
 */
export const REMOVE_SCRIPT = `
local old = redis.call('HGET', KEYS[1], ARGV[1])
if (old or '') ~= ARGV[4] then return -1 end
if old and tonumber(cjson.decode(old).o) > tonumber(ARGV[2]) then return 0 end
for i = 5, #KEYS do redis.call('ZREM', KEYS[i], ARGV[1]) end
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
redis.call('ZREM', KEYS[4], ARGV[1])
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
return 1
`;

/**
 * Search. KEYS: the sorted set ordering the answer (the global one of the sort's time, or the first filter set's),
 * the other time's sorted set, ids, docs, four scratch keys, then `anyOf` sorted sets (united) and the further
 * sets to intersect. With nothing to intersect, pages are read off the first key directly: O(log n) a page. ARGV: sort min, sort max, other min, other max ('' when unfiltered), id
 * prefix (''), order, limit, cursor score (''), cursor id, number of `anyOf` sets. Answers {count, more, docs...}.
 * The matches are one sorted set ordered by (score, id); a page is a rank range, and a cursor's rank is found by
 * binary search among equal scores, so a cursor stays exact when its own instance has moved since.
 */
export const SEARCH_SCRIPT = `
local nAny = tonumber(ARGV[10])
local inputs = {}
if nAny > 0 then
  local union = {}
  for i = 9, 8 + nAny do union[#union + 1] = KEYS[i] end
  redis.call('ZUNIONSTORE', KEYS[5], #union, unpack(union))
  inputs[#inputs + 1] = KEYS[5]
end
for i = 9 + nAny, #KEYS do inputs[#inputs + 1] = KEYS[i] end
if ARGV[5] ~= '' then
  local members = redis.call('ZRANGEBYLEX', KEYS[3], '[' .. ARGV[5], '(' .. ARGV[5] .. '\\255')
  redis.call('DEL', KEYS[6])
  for i = 1, #members, 500 do
    local batch = {}
    for j = i, math.min(i + 499, #members) do
      batch[#batch + 1] = 0
      batch[#batch + 1] = members[j]
    end
    redis.call('ZADD', KEYS[6], unpack(batch))
  end
  inputs[#inputs + 1] = KEYS[6]
end
if ARGV[3] ~= '' then
  redis.call('ZRANGESTORE', KEYS[7], KEYS[2], ARGV[3], ARGV[4], 'BYSCORE')
  inputs[#inputs + 1] = KEYS[7]
end
local source = KEYS[1]
if #inputs > 0 then
  local args = { KEYS[8], 1 + #inputs, KEYS[1] }
  for _, key in ipairs(inputs) do args[#args + 1] = key end
  args[#args + 1] = 'WEIGHTS'
  args[#args + 1] = 1
  for _ = 1, #inputs do args[#args + 1] = 0 end
  redis.call('ZINTERSTORE', unpack(args))
  source = KEYS[8]
end

local function less(a, b)
  local n = math.min(#a, #b)
  for i = 1, n do
    local x, y = string.byte(a, i), string.byte(b, i)
    if x ~= y then return x < y end
  end
  return #a < #b
end
-- How many matches sort before (score, id); with inclusive, (score, id) itself counts too.
local function rankOf(score, id, inclusive)
  local a = redis.call('ZCOUNT', source, '-inf', '(' .. score)
  local b = redis.call('ZCOUNT', source, '-inf', score)
  while a < b do
    local mid = math.floor((a + b) / 2)
    local member = redis.call('ZRANGE', source, mid, mid)[1]
    if less(member, id) or (inclusive and member == id) then a = mid + 1 else b = mid end
  end
  return a
end

local lo = 0
if ARGV[1] ~= '-inf' then lo = redis.call('ZCOUNT', source, '-inf', '(' .. ARGV[1]) end
local hi = redis.call('ZCOUNT', source, '-inf', ARGV[2])
if hi < lo then hi = lo end
local limit = tonumber(ARGV[7])
local first, stop
if ARGV[6] == 'asc' then
  first = lo
  if ARGV[8] ~= '' then first = math.max(lo, rankOf(ARGV[8], ARGV[9], true)) end
  stop = math.min(hi, first + limit)
else
  stop = hi
  if ARGV[8] ~= '' then stop = math.min(hi, rankOf(ARGV[8], ARGV[9], false)) end
  first = math.max(lo, stop - limit)
end
local ids = {}
if stop > first then ids = redis.call('ZRANGE', source, first, stop - 1) end
local more = 0
if ARGV[6] == 'asc' then
  if stop < hi then more = 1 end
else
  if first > lo then more = 1 end
  local reversed = {}
  for i = #ids, 1, -1 do reversed[#reversed + 1] = ids[i] end
  ids = reversed
end
local answer = { hi - lo, more }
if #ids > 0 then
  local docs = redis.call('HMGET', KEYS[4], unpack(ids))
  for i = 1, #ids do answer[#answer + 1] = docs[i] or '' end
end
redis.call('DEL', KEYS[5], KEYS[6], KEYS[7], KEYS[8])
return answer
`;
