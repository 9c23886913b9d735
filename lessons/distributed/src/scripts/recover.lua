-- ANCHOR: recover
-- recover.lua: one payload from a list (taken or in-progress) of a worker
-- whose heartbeat has expired goes back to the queue, or to the failed list once
-- `max_attempts` workers have started it and stopped answering.
--
-- KEYS: the dead worker's heartbeat key, its list that holds the payload, the queue,
-- the failed list, the failed counter, and the job's hash when the payload
-- is a job (none for a payload that is not one).
-- ARGV: the payload, the dead worker's token, its number, max attempts, how
-- long to keep the outcome (s), now, the job's id ('' if not a job), the
-- reason it is not a job ('' if it is one), which list it is on (`taken`
-- or `in-progress`).
-- Returns -2 if the worker is alive after all (nothing moved), -1 if the
-- payload was moved already (by another worker's recovery), 0 if it went to
-- the failed list, 1 if back to the queue, 2 if dropped (done already, or
-- held by another worker: a second copy).
local alive, list, queue, failed_list, failed_count, job =
    KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
local payload, token, number, max_attempts, keep_for, now, id, not_a_job, from =
    ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4]), ARGV[5], ARGV[6], ARGV[7], ARGV[8], ARGV[9]

if redis.call('EXISTS', alive) == 1 then
    return -2
end
if redis.call('LREM', list, 1, payload) == 0 then
    return -1
end

-- A failed-list record: one line of JSON, a newline, the payload's bytes.
local function record(reason)
    local id_json = 'null'
    if id ~= '' then id_json = id end
    return '{"id":' .. id_json .. ',"reason":' .. cjson.encode(reason) .. '}\n' .. payload
end

if not job then
    local reason = not_a_job .. '; worker ' .. number .. ' stopped answering while holding it'
    redis.call('RPUSH', failed_list, record(reason))
    redis.call('INCR', failed_count)
    return 0
end

local status = redis.call('HGET', job, 'status')
local owner = redis.call('HGET', job, 'owner')
if status == 'finished' or status == 'failed' then
    return 2
end
if status == 'started' and owner and owner ~= token then
    return 2
end
local attempts = tonumber(redis.call('HGET', job, 'attempts') or '0')
if from == 'taken' then
    -- On the taken list the job was not started, but it may have been
    -- running (a job is started only after its grace period): the worker
    -- died holding it, which counts as an attempt.
    attempts = redis.call('HINCRBY', job, 'attempts', 1)
end
if (status == 'started' or from == 'taken') and attempts >= max_attempts then
    local reason = 'worker ' .. number .. ' stopped answering (its heartbeat expired) during attempt '
        .. attempts .. ' of ' .. max_attempts
    redis.call('HSET', job, 'status', 'failed', 'error', reason, 'ended_at', now)
    redis.call('HDEL', job, 'owner')
    redis.call('EXPIRE', job, keep_for)
    redis.call('RPUSH', failed_list, record(reason))
    redis.call('INCR', failed_count)
    return 0
end
if status == 'started' then
    redis.call('HSET', job, 'status', 'queued')
    redis.call('HDEL', job, 'owner')
end
redis.call('RPUSH', queue, payload)
return 1
-- ANCHOR_END: recover
