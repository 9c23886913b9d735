-- ANCHOR: start
-- start.lua: starts a job that a worker has taken and checked: moves its
-- payload from the worker's taken list to its in-progress list, marks the
-- job started by this worker, and counts the attempt, all at once. So a
-- payload on an in-progress list is always a started job.
--
-- KEYS: the job's hash, the worker's taken list, its in-progress list.
-- ARGV: the payload, the worker's token, its number (for people), now, and
-- `popped` for a payload taken with BRPOP (`worker --pop`, the WRONG way
-- kept for comparison), which is on no list: then only the hash changes.
-- Returns the attempt's number; 0 if the job is done already (the payload
-- is then dropped: it is not run again); -1 if the payload is on neither of
-- this worker's lists (it was taken for dead, and its payloads moved away).
local job, taken, in_progress = KEYS[1], KEYS[2], KEYS[3]
local payload, token, number, now, how = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]

if how ~= 'popped' and redis.call('LREM', taken, 1, payload) == 0 then
    if redis.call('LPOS', in_progress, payload) and redis.call('HGET', job, 'owner') == token then
        -- this very start, asked again (its answer was lost): not a new attempt
        return tonumber(redis.call('HGET', job, 'attempts') or '1')
    end
    return -1
end
local status = redis.call('HGET', job, 'status')
if status == 'finished' or status == 'failed' then
    return 0
end
if how ~= 'popped' then
    redis.call('LPUSH', in_progress, payload)
end
redis.call('HSET', job, 'status', 'started', 'worker', number, 'owner', token, 'started_at', now)
return redis.call('HINCRBY', job, 'attempts', 1)
-- ANCHOR_END: start
