-- reject.lua: moves a payload that is not a job from the worker's taken
-- list to the failed list, as a record with the reason and the bytes as
-- they were. It touches no job's hash: a payload that is not a job has no
-- job to speak for.
--
-- KEYS: the worker's taken list, the failed list, the failed counter.
-- ARGV: the payload, the record.
-- Returns 1 if recorded, 0 if the payload had been moved away already.
local taken, failed_list, failed_count = KEYS[1], KEYS[2], KEYS[3]
local payload, record = ARGV[1], ARGV[2]

if redis.call('LREM', taken, 1, payload) == 0 then
    return 0
end
redis.call('RPUSH', failed_list, record)
redis.call('INCR', failed_count)
return 1
