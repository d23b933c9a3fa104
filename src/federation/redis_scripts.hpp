// The Lua scripts the node runs in Redis: each is one atomic step (EVAL), so two nodes can
// never both win a name.
#pragma once

namespace hiconn::federation::redis_scripts {

// Atomically: the network name must match, and our node key must be free or ours (same
// incarnation); then both are set, the node key with its TTL.
// KEYS: network key, node key. ARGV: network name, "INCARNATION:N", TTL ms, incarnation.
inline const char* const register_script = R"(
local net = redis.call('GET', KEYS[1])
if net and net ~= ARGV[1] then return {'network', net} end
local cur = redis.call('GET', KEYS[2])
if cur and string.sub(cur, 1, string.len(ARGV[4]) + 1) ~= ARGV[4] .. ':' then return {'taken', cur} end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
return {'ok', ''}
)";

// A name held by a live node (its node key names the holder's incarnation) stays with it:
// a new claim is refused. A re-claim after an outage (ARGV[4] = "1") takes the name from a
// live holder whose nick is later (NICK_MS, then the smaller node name), the rule every node
// applies to clashes. A holder that is not live is replaced.
// KEYS: claims hash. ARGV: name, "NODE|INCARNATION|NICK_MS|ID", key prefix, re-claim.
inline const char* const claim_script = R"(
local cur = redis.call('HGET', KEYS[1], ARGV[1])
if cur and cur ~= ARGV[2] then
  local node, inc, signon = string.match(cur, '^([^|]*)|([^|]*)|(%d+)|')
  local mnode, minc, msignon = string.match(ARGV[2], '^([^|]*)|([^|]*)|(%d+)|')
  if node and not (node == mnode and inc == minc) then
    local live = redis.call('GET', ARGV[3] .. 'node:' .. node)
    if live and string.sub(live, 1, string.len(inc) + 1) == inc .. ':' then
      if ARGV[4] ~= '1' then return 0 end
      local a, b = tonumber(signon), tonumber(msignon)
      if a < b or (a == b and node < mnode) then return 0 end
    end
  end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1
)";

inline const char* const release_script = R"(
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then return redis.call('HDEL', KEYS[1], ARGV[1]) end
return 0
)";


}  // namespace hiconn::federation::redis_scripts
