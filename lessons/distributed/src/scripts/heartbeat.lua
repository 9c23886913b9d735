-- heartbeat.lua: "this worker is alive". Its heartbeat key gets a new value
-- and lives `lifetime` seconds more; its token and number are written back
-- into the registry, so that a Redis restarted without its data knows it
-- again, and the worker counter is raised past its number.
--
-- KEYS: the worker's heartbeat key, the workers hash (token -> number), the
-- numbers hash (number -> token), the worker counter.
-- ARGV: the token, the number, the heartbeat's lifetime (s), this beat's
-- value (changes every beat: others can tell a live worker from a dead one).
-- Returns 1 if Redis knew the worker, 0 if it did not (it was taken for
-- dead, or Redis restarted), -1 if its number is held by another worker
-- (registered while Redis had forgotten this one): it must take a new one.
local alive, workers, numbers, counter = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local token, number, lifetime, beat = ARGV[1], ARGV[2], ARGV[3], ARGV[4]

local holder = redis.call('HGET', numbers, number)
if holder and holder ~= token then
    return -1
end
local known = redis.call('HEXISTS', workers, token)
redis.call('HSET', numbers, number, token)
redis.call('HSET', workers, token, number)
redis.call('SET', alive, beat, 'EX', lifetime)
if tonumber(redis.call('GET', counter) or '0') < tonumber(number) then
    redis.call('SET', counter, number)
end
return known
