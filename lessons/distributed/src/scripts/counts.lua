-- counts.lua: the counts per status, read at one instant, so that they add
-- up: a payload moving from the queue to a worker while they are read is
-- seen once. The caller names the workers' keys (read from the workers hash
-- just before); if the workers changed since, it returns false and the
-- caller reads them again.
--
-- KEYS: the queue, the workers hash, the finished counter, the failed
-- counter, then for each worker its taken list, its in-progress list and its
-- heartbeat key. A payload on a taken list is counted queued: it is not
-- started until it has been checked (and a job that ends within its grace
-- period is never marked started); `taken` counts those apart, so that the
-- jobs workers hold are `started + taken`.
-- ARGV: the workers' tokens, in the same order.
-- Returns {queued, started, finished, failed, workers, alive, taken}, or
-- false.
local queue, workers, finished, failed = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local all_keys = KEYS -- from the 5th on, three per worker
local tokens = ARGV

if redis.call('HLEN', workers) ~= #tokens then
    return false
end
local queued, started, alive, on_taken_lists = redis.call('LLEN', queue), 0, 0, 0
for i, token in ipairs(tokens) do
    if redis.call('HEXISTS', workers, token) == 0 then
        return false
    end
    local base = 4 + 3 * (i - 1)
    local taken, in_progress, heartbeat = all_keys[base + 1], all_keys[base + 2], all_keys[base + 3]
    local on_taken = redis.call('LLEN', taken)
    queued = queued + on_taken
    on_taken_lists = on_taken_lists + on_taken
    started = started + redis.call('LLEN', in_progress)
    alive = alive + redis.call('EXISTS', heartbeat)
end
return {queued, started, tonumber(redis.call('GET', finished) or '0'),
        tonumber(redis.call('GET', failed) or '0'), #tokens, alive, on_taken_lists}
