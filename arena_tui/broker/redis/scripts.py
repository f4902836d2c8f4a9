"""Server-side Lua: atomic publishing, INCR and XADD in one step, so no crash leaves a hole.

The arena's own producer does INCR then XADD as two round trips; a crash between them leaves a
permanent hole. These scripts write exactly the same keys, ids (``<seq>-0``) and fields, but
atomically. ``PUBLISH_MANY`` takes N events and assigns them consecutive seqs with one INCRBY
(the counter ends where N INCRs would leave it).

Both are registered once per client as redis-py ``AsyncScript`` objects (EVALSHA, reloading on
NOSCRIPT). Seqs are formatted with ``%d``: Lua 5.1 numbers are doubles, and plain
concatenation would print large values in exponent notation.
"""

from __future__ import annotations

PUBLISH_ONE = """
-- KEYS[1] = <prefix>:run:<id>:seq, KEYS[2] = <prefix>:run:<id>:events
-- ARGV[1] = MAXLEN (approximate), ARGV[2..] = field, value, field, value, ...
local seq = redis.call('INCR', KEYS[1])
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[1], string.format('%d-0', seq),
           unpack(ARGV, 2))
return seq
"""

PUBLISH_MANY = """
-- KEYS as PUBLISH_ONE; ARGV[1] = MAXLEN, ARGV[2] = values per event (2 x fields),
-- ARGV[3..] = the events' field/value pairs, one event after the other
local width = tonumber(ARGV[2])
local n = (#ARGV - 2) / width
local last = redis.call('INCRBY', KEYS[1], n)
local first = last - n + 1
for i = 0, n - 1 do
  local base = 3 + i * width
  redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[1], string.format('%d-0', first + i),
             unpack(ARGV, base, base + width - 1))
end
return first
"""
