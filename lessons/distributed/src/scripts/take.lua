-- take.lua: take_next (take_next.lua, prepended) on its own.
-- KEYS: the queue, the worker's taken list, its in-progress list.
local queue, taken, in_progress = KEYS[1], KEYS[2], KEYS[3]
return take_next(queue, taken, in_progress)
