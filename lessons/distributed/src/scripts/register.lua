-- register.lua: gives a worker (known by its token, a random string made by
-- the process) a short number for people to read: the next from the counter
-- that no other worker holds. The worker is known by its token everywhere
-- else: its in-progress list and heartbeat key are named after it.
--
-- KEYS: the worker counter, the numbers hash (number -> token), the workers
-- hash (token -> number), the worker's heartbeat key.
-- ARGV: the token, the heartbeat's lifetime (s).
-- Returns the number.
local counter, numbers, workers, alive = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local token, lifetime = ARGV[1], ARGV[2]

local number
repeat
    number = redis.call('INCR', counter)
until redis.call('HSETNX', numbers, number, token) == 1
redis.call('HSET', workers, token, number)
redis.call('SET', alive, '0', 'EX', lifetime)
return number
