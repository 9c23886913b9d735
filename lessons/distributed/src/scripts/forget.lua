-- forget.lua: a worker leaves the queue's registry. `own`: the worker itself,
-- signing off (its heartbeat goes at once). `dead`: a worker whose heartbeat
-- has expired, once recovery has emptied its list. Either way its name stays
-- while its lists hold anything, so that recovery finds it.
--
-- KEYS: its heartbeat key, its taken list, its in-progress list, the
-- workers hash (token -> number), the numbers hash (number -> token).
-- ARGV: its token, its number, `own` or `dead`.
-- Returns 1 if forgotten, 0 if kept (alive after all, or still holding).
local alive, taken, in_progress, workers, numbers = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local token, number, whose = ARGV[1], ARGV[2], ARGV[3]

if whose == 'own' then
    redis.call('DEL', alive)
elseif redis.call('EXISTS', alive) == 1 then
    return 0
end
if redis.call('LLEN', taken) + redis.call('LLEN', in_progress) > 0 then
    return 0
end
redis.call('HDEL', workers, token)
if redis.call('HGET', numbers, number) == token then
    redis.call('HDEL', numbers, number)
end
return 1
