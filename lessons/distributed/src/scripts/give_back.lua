-- give_back.lua: gives one payload of a stopping worker back to the queue,
-- on the right, where it is taken next: from its taken list, or from its
-- in-progress list (then the job is `queued` again and the attempt is not
-- counted).
--
-- KEYS: the worker's list that holds it (taken or in-progress), the queue,
-- and the job's hash when the payload is a job (none for one that is not).
-- ARGV: the payload, the worker's token.
-- Returns 1 if given back, 0 if it was not on the list any more.
local list, queue, job = KEYS[1], KEYS[2], KEYS[3]
local payload, token = ARGV[1], ARGV[2]

if redis.call('LREM', list, 1, payload) == 0 then
    return 0
end
if job and redis.call('HGET', job, 'status') == 'started' and redis.call('HGET', job, 'owner') == token then
    redis.call('HSET', job, 'status', 'queued')
    redis.call('HDEL', job, 'owner')
    redis.call('HINCRBY', job, 'attempts', -1)
end
redis.call('RPUSH', queue, payload)
return 1
