-- ANCHOR: take_next
-- Defines take_next(queue, taken, in_progress): the next payload for one
-- worker, without waiting. First one left on its in-progress list (started,
-- but the answer never reached the worker), then one left on its taken list
-- (moved there by a BLMOVE whose payload the worker has not used yet, or by
-- a call whose answer was lost), else the oldest in the queue, moved onto
-- the taken list in the same step: at every moment the payload is in one of
-- the lists. False when all are empty. It never reads the payload: the
-- worker checks it, in one place, and only then starts it (start.lua, or
-- finish.lua and fail.lua for a job that ends within the grace period) or
-- rejects it (reject.lua).
local function take_next(queue, taken, in_progress)
    local left_over = redis.call('LINDEX', in_progress, -1) or redis.call('LINDEX', taken, -1)
    if left_over then
        return left_over
    end
    return redis.call('LMOVE', queue, taken, 'RIGHT', 'LEFT')
end
-- ANCHOR_END: take_next
