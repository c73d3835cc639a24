"""The Redis engine: one state for several mock instances (``MOCK_ENTRA_STORE=redis://...``).

The operations of :class:`mock_entra.store.engine.Store` on one Redis server (or
primary; Redis Cluster is not supported: the scripts touch several keys of a kind).
Every operation is one round trip; the ones that must be atomic across instances
(``consume``, ``take``, ``put``) are Lua scripts, which Redis runs one at a time.

Layout under the prefix ``P`` (``MOCK_ENTRA_STORE_PREFIX``, so several mocks can
share a server):

- ``P:i:<kind>:<key>``: a hash with the JSON value ``v``, the expiry ``e`` (the
  caller's clock), ``u`` (used) and, for counted values, ``h`` (hits) and ``r``
  (remaining uses, empty: unlimited);
- ``P:k:<kind>``: the kind's keys in key order (a sorted set of equal scores: the
  request log is read newest key first); ``P:x:<kind>``: the same keys by expiry;
- ``P:g:<name>``: the change counters.

Expiry is decided by the caller's clock (a tenant's clock can be moved), never
Redis's. Redis's own expiry only collects garbage: an item goes a week after its
expiry in real time (``GRACE``), so state does not grow without bound on a server
shared by many runs. https://redis.io/docs/latest/develop/interact/programmability/eval-intro/
"""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import urlsplit

import redis

from mock_entra.store.engine import Consumed

# How long past its expiry (real time) an item stays for ``peek`` (expired vs unknown).
GRACE = 7 * 24 * 3600.0
_BATCH = 500

_PUT = """
local item = ARGV[1] .. ':i:' .. ARGV[2] .. ':' .. ARGV[3]
redis.call('DEL', item)
redis.call('HSET', item, 'v', ARGV[4], 'e', ARGV[5], 'u', '0')
if ARGV[7] == '1' then redis.call('HSET', item, 'h', ARGV[8], 'r', ARGV[9]) end
redis.call('PEXPIRE', item, ARGV[6])
redis.call('ZADD', ARGV[1] .. ':k:' .. ARGV[2], 0, ARGV[3])
redis.call('ZADD', ARGV[1] .. ':x:' .. ARGV[2], ARGV[5], ARGV[3])
return 1
"""

_GET = """
local f = redis.call('HMGET', ARGV[1] .. ':i:' .. ARGV[2] .. ':' .. ARGV[3], 'v', 'e', 'u', 'h', 'r')
if not f[1] then return false end
if ARGV[4] ~= '' and (tonumber(f[2]) <= tonumber(ARGV[4]) or f[3] == '1') then return false end
return {f[1], f[4] or false, f[5] or false}
"""

_CONSUME = """
local item = ARGV[1] .. ':i:' .. ARGV[2] .. ':' .. ARGV[3]
local f = redis.call('HMGET', item, 'v', 'e', 'u')
if not f[1] then return {0} end
if f[3] == '1' then return {2, f[1]} end
if tonumber(f[2]) <= tonumber(ARGV[4]) then return {0} end
redis.call('HSET', item, 'u', '1')
return {1, f[1]}
"""

_TAKE = """
local item = ARGV[1] .. ':i:' .. ARGV[2] .. ':' .. ARGV[3]
local f = redis.call('HMGET', item, 'v', 'e', 'u', 'h', 'r')
if not f[1] or f[3] == '1' or tonumber(f[2]) <= tonumber(ARGV[4]) then return false end
local remaining = f[5] or ''
if remaining ~= '' then
  if tonumber(remaining) <= 0 then return false end
  remaining = tostring(tonumber(remaining) - 1)
end
local hits = tostring((tonumber(f[4]) or 0) + 1)
redis.call('HSET', item, 'h', hits, 'r', remaining)
return {f[1], hits, remaining}
"""

_LIVE = """
-- ARGV: prefix, kind, now, limit (0: all), then field/value pairs the value must have
local prefix, kind, now, limit = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local index = prefix .. ':k:' .. kind
local found, offset = {}, 0
while true do
  local keys = redis.call('ZRANGE', index, '+', '-', 'BYLEX', 'REV', 'LIMIT', offset, 500)
  if #keys == 0 then return found end
  offset = offset + #keys
  for _, key in ipairs(keys) do
    local f = redis.call('HMGET', prefix .. ':i:' .. kind .. ':' .. key, 'v', 'e', 'u', 'h', 'r')
    if f[1] and f[3] ~= '1' and tonumber(f[2]) > now then
      local ok = true
      if #ARGV > 4 then
        local value = cjson.decode(f[1])
        for i = 5, #ARGV, 2 do
          if value[ARGV[i]] ~= ARGV[i + 1] then ok = false end
        end
      end
      if ok then
        found[#found + 1] = {key, f[1], f[4] or false, f[5] or false}
        if limit > 0 and #found >= limit then return found end
      end
    end
  end
end
"""

_MATCHING = """
-- Every key of a kind (whatever its state) whose value's field ARGV[3] is ARGV[4].
local prefix, kind = ARGV[1], ARGV[2]
local found = {}
for _, key in ipairs(redis.call('ZRANGE', prefix .. ':k:' .. kind, 0, -1)) do
  local v = redis.call('HGET', prefix .. ':i:' .. kind .. ':' .. key, 'v')
  if v and cjson.decode(v)[ARGV[3]] == ARGV[4] then found[#found + 1] = {key, v} end
end
return found
"""

_DELETE_KIND = """
-- ARGV: prefix, kind, expired_at ('' for every item); how many items there were.
local prefix, kind = ARGV[1], ARGV[2]
local keys
if ARGV[3] == '' then
  keys = redis.call('ZRANGE', prefix .. ':k:' .. kind, 0, -1)
else
  keys = redis.call('ZRANGE', prefix .. ':x:' .. kind, '-inf', ARGV[3], 'BYSCORE')
end
local removed = 0
for i = 1, #keys, 500 do
  local items, members = {}, {}
  for j = i, math.min(i + 499, #keys) do
    items[#items + 1] = prefix .. ':i:' .. kind .. ':' .. keys[j]
    members[#members + 1] = keys[j]
  end
  removed = removed + redis.call('DEL', unpack(items))
  redis.call('ZREM', prefix .. ':k:' .. kind, unpack(members))
  redis.call('ZREM', prefix .. ':x:' .. kind, unpack(members))
end
return removed
"""

_PATCH = """
local item = ARGV[1] .. ':i:' .. ARGV[2] .. ':' .. ARGV[3]
if redis.call('EXISTS', item) == 1 then redis.call('HSET', item, 'v', ARGV[4]) end
return 1
"""

_DELETE = """
redis.call('DEL', ARGV[1] .. ':i:' .. ARGV[2] .. ':' .. ARGV[3])
redis.call('ZREM', ARGV[1] .. ':k:' .. ARGV[2], ARGV[3])
redis.call('ZREM', ARGV[1] .. ':x:' .. ARGV[2], ARGV[3])
return 1
"""


def _value(raw: str, hits: str | None = None, remaining: str | None = None) -> dict[str, Any]:
    """The stored JSON, with a counted value's current uses laid over it."""
    value: dict[str, Any] = json.loads(raw)
    if hits is not None:
        value["hits"] = int(hits)
        value["remaining"] = int(remaining) if remaining else None
    return value


class RedisUnreachable(RuntimeError):
    """The Redis server does not answer (the message names it without its password)."""


def _where(url: str) -> str:
    """The server a URL names, without its user name or password."""
    parts = urlsplit(url)
    if parts.scheme == "unix":
        return f"unix://{parts.path}"
    return f"{parts.scheme}://{parts.hostname or ''}:{parts.port or 6379}{parts.path}"


class RedisStore:
    def __init__(self, url: str, prefix: str = "mock-entra") -> None:
        self.url = url
        self.prefix = prefix
        # A pool shared by the worker's threads; redis-py opens fresh connections after a fork.
        self._redis = redis.Redis.from_url(url, decode_responses=True)
        try:
            self._redis.ping()
        except redis.RedisError as exc:
            raise RedisUnreachable(
                f"the Redis server at {_where(url)} does not answer ({exc})"
            ) from exc
        self._scripts = {
            name: self._redis.register_script(source)
            for name, source in {
                "put": _PUT,
                "get": _GET,
                "consume": _CONSUME,
                "take": _TAKE,
                "live": _LIVE,
                "matching": _MATCHING,
                "delete_kind": _DELETE_KIND,
                "delete": _DELETE,
                "patch": _PATCH,
            }.items()
        }

    def _run(self, name: str, *args: Any, client: Any = None) -> Any:
        return self._scripts[name](args=[self.prefix, *args], client=client)

    @staticmethod
    def _put_args(kind: str, key: str, value: dict[str, Any], expires: float) -> list[Any]:
        ttl_ms = int((max(expires - time.time(), 0.0) + GRACE) * 1000)
        counted = "remaining" in value
        remaining = value.get("remaining")
        return [
            kind,
            key,
            json.dumps(value),
            repr(float(expires)),
            ttl_ms,
            "1" if counted else "0",
            str(int(value.get("hits") or 0)),
            "" if remaining is None else str(int(remaining)),
        ]

    # -- one value ---------------------------------------------------------------------
    def put(self, kind: str, key: str, value: dict[str, Any], expires: float) -> None:
        self._run("put", *self._put_args(kind, key, value, expires))

    def get(self, kind: str, key: str, now: float) -> dict[str, Any] | None:
        found = self._run("get", kind, key, repr(float(now)))
        return _value(*found) if found else None

    def peek(self, kind: str, key: str) -> dict[str, Any] | None:
        found = self._run("get", kind, key, "")
        return _value(*found) if found else None

    def consume(self, kind: str, key: str, now: float) -> Consumed:
        outcome = self._run("consume", kind, key, repr(float(now)))
        if outcome[0] == 0:
            return Consumed(None)
        return Consumed(json.loads(outcome[1]), replayed=outcome[0] == 2)

    def take(self, kind: str, key: str, now: float) -> dict[str, Any] | None:
        found = self._run("take", kind, key, repr(float(now)))
        return _value(*found) if found else None

    def delete(self, kind: str, key: str) -> None:
        self._run("delete", kind, key)

    # -- many values -------------------------------------------------------------------
    def put_many(self, kind: str, rows: list[tuple[str, dict[str, Any], float]]) -> None:
        """Several (key, value, expires) in one round trip (a pipeline of puts)."""
        with self._redis.pipeline(transaction=False) as pipe:
            for key, value, expires in rows:
                self._run("put", *self._put_args(kind, key, value, expires), client=pipe)
            pipe.execute()

    def items(self, kind: str, now: float) -> list[tuple[str, dict[str, Any]]]:
        found = self._run("live", kind, repr(float(now)), 0)
        return [
            (key, _value(raw, hits or None, remaining or None))
            for key, raw, hits, remaining in found
        ]

    def latest(
        self, kind: str, now: float, limit: int, where: dict[str, str] | None = None
    ) -> list[tuple[str, dict[str, Any]]]:
        """Live values of ``kind``, highest key first, whose fields equal ``where``."""
        pairs = [part for name, value in (where or {}).items() for part in (name, value)]
        found = self._run("live", kind, repr(float(now)), max(limit, 1), *pairs)
        return [
            (key, _value(raw, hits or None, remaining or None))
            for key, raw, hits, remaining in found
        ]

    def update_where(self, kind: str, field: str, match: str, patch: dict[str, Any]) -> int:
        """Patch every value of ``kind`` whose ``field`` equals ``match`` (e.g. revoke a family)."""
        found = self._run("matching", kind, field, match)
        with self._redis.pipeline(transaction=False) as pipe:
            for key, raw in found:  # an item deleted meanwhile stays deleted
                self._run("patch", kind, key, json.dumps({**json.loads(raw), **patch}), client=pipe)
            pipe.execute()
        return len(found)

    def delete_kind(self, kind: str, *, expired_at: float | None = None) -> int:
        """Delete every value of ``kind`` (or only those expired at ``expired_at``)."""
        bound = "" if expired_at is None else repr(float(expired_at))
        return int(self._run("delete_kind", kind, bound))

    def close(self) -> None:
        self._redis.connection_pool.disconnect()

    # -- change counters ---------------------------------------------------------------
    def generation(self, name: str) -> int:
        value = self._redis.get(f"{self.prefix}:g:{name}")
        return int(value) if value else 0

    def advance(self, name: str) -> int:
        return int(self._redis.incr(f"{self.prefix}:g:{name}"))
