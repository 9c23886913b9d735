-- fail.lua: records a job that failed with its own error, takes its payload
-- off the worker's in-progress list, and, if asked, takes the next payload
-- (take_next.lua, prepended). The same rule as finish.lua: recorded only if
-- the job is not done already and is still this worker's (a job that failed
-- within the grace period, still on the taken list, is started and failed
-- at once).
--
-- KEYS: the job's hash, the worker's in-progress list, the failed list, the
-- failed counter, the queue, the worker's taken list.
-- ARGV: the payload, the reason, the worker's number, how long to keep the
-- outcome (s), now, the record for the failed list, take the next (1/0), the
-- worker's token.
-- Returns {verdict, next payload or false}, verdicts as in finish.lua.
local job, list, failed_list, failed_count, queue, taken =
    KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
local payload, reason, number, keep_for, now, record, then_take, token =
    ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8]

local function store()
    local removed = redis.call('LREM', list, 1, payload)
    local quick = 0 -- ended within the grace period, before it was started
    if removed == 0 then
        quick = redis.call('LREM', taken, 1, payload)
    end
    local status = redis.call('HGET', job, 'status')
    if status and removed + quick == 0 and redis.call('HGET', job, 'owner') ~= token then
        return -1 -- moved away by recovery: it ends where recovery put it
    end
    if status == 'finished' or status == 'failed' then
        return 0 -- a second copy of a job done already
    end
    if quick == 1 then
        redis.call('HINCRBY', job, 'attempts', 1)
        redis.call('HSET', job, 'started_at', now)
    end
    redis.call('HSET', job, 'status', 'failed', 'error', reason, 'worker', number, 'ended_at', now)
    redis.call('HDEL', job, 'owner')
    redis.call('EXPIRE', job, keep_for)
    redis.call('RPUSH', failed_list, record)
    redis.call('INCR', failed_count)
    return 1
end

local verdict = store()
if then_take ~= '1' then
    return {verdict, false}
end
return {verdict, take_next(queue, taken, list)}
