"""Server-side Lua: atomic publishing, and the compact per-run summaries behind ``list_runs``.

Publishing: INCR and XADD in one step, so no crash leaves a hole.

The arena's own producer does INCR then XADD as two round trips; a crash between them leaves a
permanent hole. These scripts write exactly the same keys, ids (``<seq>-0``) and fields, but
atomically. ``PUBLISH_MANY`` takes N events and assigns them consecutive seqs with one INCRBY
(the counter ends where N INCRs would leave it).

Both are registered once per client as redis-py ``AsyncScript`` objects (EVALSHA, reloading on
NOSCRIPT). Seqs are formatted with ``%d``: Lua 5.1 numbers are doubles, and plain
concatenation would print large values in exponent notation.

Listing: ``RUN_SUMMARIES`` reads what ``list_runs`` needs of many runs and returns it as one
flat array, seven values per run. Six commands per run in a pipeline cost 6 replies and, for
the newest entry, every field of it (payload included): the client's RESP parser, not the
server, was most of a listing's time. The script blocks the server while it runs, so callers
send it a bounded chunk of runs per call (``list_runs``: 500, a few ms of server time).
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

RUN_SUMMARIES = """
-- KEYS = <prefix>:run:<id>:open, :seq, :events for each run, three keys per run.
-- Returns seven values per run, flat: the :open value, its PTTL, the :seq value, XLEN,
-- the first entry id, the last entry id and that entry's ts field (false, i.e. nil, when
-- absent). A missing key reads as GET nil, PTTL -2, XLEN 0 and empty ranges.
local out = {}
for i = 1, #KEYS, 3 do
  local events = KEYS[i + 2]
  local head = redis.call('XRANGE', events, '-', '+', 'COUNT', 1)[1]
  local tail = redis.call('XREVRANGE', events, '+', '-', 'COUNT', 1)[1]
  local ts = false
  if tail then
    local fields = tail[2]
    for j = 1, #fields - 1, 2 do
      if fields[j] == 'ts' then ts = fields[j + 1] end
    end
  end
  local n = #out
  out[n + 1] = redis.call('GET', KEYS[i])
  out[n + 2] = redis.call('PTTL', KEYS[i])
  out[n + 3] = redis.call('GET', KEYS[i + 1])
  out[n + 4] = redis.call('XLEN', events)
  out[n + 5] = head and head[1] or false
  out[n + 6] = tail and tail[1] or false
  out[n + 7] = ts
end
return out
"""
RUN_SUMMARY_WIDTH = 7
"""Values per run in a ``RUN_SUMMARIES`` reply."""
