-- ANCHOR: finish
-- finish.lua: stores a job's result, takes its payload off the worker's
-- in-progress list, and, if asked, takes the next payload (take_next.lua,
-- prepended) onto its taken list: storing one result and taking the next
-- payload is one round trip.
--
-- A job ends once. The result is stored only if the job is not done already
-- and is still this worker's: its payload was still on one of the worker's
-- lists (the taken list for a job that ended within the grace period, before
-- it was started: it is started and finished at once), or
-- (taken with `--pop`, on no list) the hash still names the worker as its
-- owner. A worker that was taken for dead (paused past its heartbeat, say)
-- finds its job moved away and its ownership cleared: its late result is
-- refused.
--
-- KEYS: the job's hash, the worker's in-progress list, the finished counter,
-- the queue, the worker's taken list.
-- ARGV: the payload, the result, the worker's number, this attempt's mark
-- (token:attempt), how long to keep the result (s), now, take the next (1/0),
-- the worker's token.
-- Returns {verdict, next payload or false}: verdict 1 stored, -1 taken from
-- this worker (refused), 0 a second copy of a job done already.
local job, list, finished, queue, taken = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local payload, result, number, attempt_mark, keep_for, now, then_take, token =
    ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8]

local function store()
    local removed = redis.call('LREM', list, 1, payload)
    -- A job that ended before it was started (within the worker's grace
    -- period) is still on the taken list: it is started and ended here.
    local quick = 0
    if removed == 0 then
        quick = redis.call('LREM', taken, 1, payload)
    end
    if redis.call('HGET', job, 'done_by') == attempt_mark then
        return 1 -- this very call, sent again after its answer was lost
    end
    local status = redis.call('HGET', job, 'status')
    if status then
        redis.call('HINCRBY', job, 'finishes', 1) -- run to the end once more
    end
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
    -- (no hash at all: a Redis restarted without its data; the result is
    -- all that is left of the job, so it is stored)
    redis.call('HSET', job, 'status', 'finished', 'result', result, 'worker', number,
               'done_by', attempt_mark, 'ended_at', now)
    if not status then
        redis.call('HSET', job, 'finishes', 1)
    end
    redis.call('HDEL', job, 'error', 'owner')
    redis.call('EXPIRE', job, keep_for)
    redis.call('INCR', finished)
    return 1
end

local verdict = store()
if then_take ~= '1' then
    return {verdict, false}
end
return {verdict, take_next(queue, taken, list)}
-- ANCHOR_END: finish
