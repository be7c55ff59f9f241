package io.resilientredis.client.queue;

import io.resilientredis.client.internal.QueuePort;
import java.util.List;

/**
 * The job queue's Lua scripts. Every one gets the KEYS {@link QueueKeys} lists. Times are Redis's
 * own clock ({@code TIME}), in milliseconds, so visibility deadlines and registrations do not
 * depend on the clocks of the clients; a job's not-before time and its enqueue time come from the
 * producer's clock. Scripts that are spilled and replayed ({@link #ENQUEUE}, {@link #ACK},
 * {@link #NACK}) take ARGV[1] = marker TTL and ARGV[2] = 1 (direct) / 0 (replay) first, as
 * {@link QueuePort#write} describes; their names carry a version and must not change meaning.
 */
final class QueueScripts {

    private QueueScripts() {
    }

    /** @return the scripts a spilled write may name: the client's replay looks them up by name */
    static List<QueuePort.Script> spilled() {
        return List.of(ENQUEUE, ACK, NACK);
    }

    /** Helpers shared by the scripts: Redis time, attempts of a job, reaping, promotion. */
    private static final String PRELUDE = String.join("\n",
            "local function now_ms()",
            "  local t = redis.call('TIME')",
            "  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)",
            "end",
            "local function s(n) return string.format('%.0f', n) end",
            "local function attempts_of(meta)",
            "  if not meta then return 0 end",
            "  return tonumber(string.match(meta, '^(%d+)')) or 0",
            "end",
            // In-flight jobs past their deadline go back to the head of the queue (or to the
            // dead-letter list once they used up their attempts); their lease ends.
            "local function reap(now, limit, max_attempts)",
            "  local due = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', s(now), 'LIMIT', 0, limit)",
            "  local back, dead = 0, 0",
            "  for _, id in ipairs(due) do",
            "    redis.call('ZREM', KEYS[3], id)",
            "    local tok = redis.call('HGET', KEYS[6], id)",
            "    if tok then redis.call('HDEL', KEYS[7], tok) end",
            "    redis.call('HDEL', KEYS[6], id)",
            "    if attempts_of(redis.call('HGET', KEYS[5], id)) >= max_attempts then",
            "      redis.call('RPUSH', KEYS[8], id)",
            "      dead = dead + 1",
            "    else",
            "      redis.call('LPUSH', KEYS[1], id)",
            "      back = back + 1",
            "    end",
            "  end",
            "  return back, dead",
            "end",
            // Delayed jobs whose time has come join the ready list.
            "local function promote(now, limit)",
            "  local due = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', s(now), 'LIMIT', 0, limit)",
            "  for _, id in ipairs(due) do",
            "    redis.call('ZREM', KEYS[2], id)",
            "    redis.call('RPUSH', KEYS[1], id)",
            "  end",
            "  return #due",
            "end",
            "local function length()",
            "  return redis.call('LLEN', KEYS[1]) + redis.call('ZCARD', KEYS[2]) + redis.call('ZCARD', KEYS[3])",
            "end",
            "");

    /**
     * Enqueues one or more jobs, once per write id. KEYS[10] is the write's marker. ARGV: ttl,
     * direct, max length (0: none; checked only when direct: a spilled enqueue was accepted, so its
     * replay admits it), n, then per job: id, not-before ms (0: now), enqueued ms, payload.
     * A job id already present is not added again. Returns {1 applied | 0 seen before | 2 full,
     * queue length}.
     */
    static final QueuePort.Script ENQUEUE = new QueuePort.Script("queue.enqueue.v1", PRELUDE + String.join("\n",
            "local seen = redis.call('GET', KEYS[10])",
            "if seen then return {0, tonumber(seen)} end",
            "local n = tonumber(ARGV[4])",
            "local limit = tonumber(ARGV[3])",
            "if limit > 0 and ARGV[2] == '1' then",
            "  local len = length()",
            "  if len + n > limit then return {2, len} end",
            "end",
            "local now = now_ms()",
            "for i = 0, n - 1 do",
            "  local b = 5 + i * 4",
            "  local id = ARGV[b]",
            "  if redis.call('HSETNX', KEYS[4], id, ARGV[b + 3]) == 1 then",
            "    redis.call('HSET', KEYS[5], id, '0:' .. ARGV[b + 2])",
            "    local nb = tonumber(ARGV[b + 1])",
            "    if nb > now then",
            "      redis.call('ZADD', KEYS[2], ARGV[b + 1], id)",
            "    else",
            "      redis.call('RPUSH', KEYS[1], id)",
            "    end",
            "  end",
            "end",
            "local len = length()",
            "redis.call('SET', KEYS[10], len, 'EX', ARGV[1])",
            "return {1, len}"));

    /**
     * Takes the next job and marks it in flight, in one step; first re-queues in-flight jobs past
     * their deadline and promotes due delayed jobs. ARGV: lease token, visibility ms, max attempts,
     * reap limit. A retry with the same token returns the job that token already holds (a take
     * whose reply was lost is not lost). Returns {} or {id, payload, attempts, enqueued ms,
     * deadline ms}.
     */
    static final QueuePort.Script TAKE = new QueuePort.Script("queue.take.v1", PRELUDE + String.join("\n",
            "local token = ARGV[1]",
            "local held = redis.call('HGET', KEYS[7], token)",
            "if held and redis.call('HGET', KEYS[6], held) == token then",
            "  local deadline = redis.call('ZSCORE', KEYS[3], held)",
            "  local payload = redis.call('HGET', KEYS[4], held)",
            "  local meta = redis.call('HGET', KEYS[5], held)",
            "  if deadline and payload and meta then",
            "    local a, e = string.match(meta, '^(%d+):(%d+)')",
            "    return {held, payload, a, e, deadline}",
            "  end",
            "end",
            "local now = now_ms()",
            "local limit = tonumber(ARGV[4])",
            "reap(now, limit, tonumber(ARGV[3]))",
            "promote(now, limit)",
            "while true do",
            "  local id = redis.call('LPOP', KEYS[1])",
            "  if not id then return {} end",
            "  local payload = redis.call('HGET', KEYS[4], id)",
            "  if payload then",
            "    local meta = redis.call('HGET', KEYS[5], id) or '0:0'",
            "    local a, e = string.match(meta, '^(%d+):(%d+)')",
            "    a = tonumber(a) + 1",
            "    redis.call('HSET', KEYS[5], id, a .. ':' .. e)",
            "    local deadline = s(now + tonumber(ARGV[2]))",
            "    redis.call('ZADD', KEYS[3], deadline, id)",
            "    redis.call('HSET', KEYS[6], id, token)",
            "    redis.call('HSET', KEYS[7], token, id)",
            "    return {id, payload, tostring(a), e, deadline}",
            "  end",
            "end"));

    /**
     * Acknowledges a job under its lease: removes it for good. Idempotent (a second ack, or an ack
     * whose lease ended, changes nothing). ARGV: ttl, direct, id, token. Returns {1 done | 0 lease
     * not held}.
     */
    static final QueuePort.Script ACK = new QueuePort.Script("queue.ack.v1", String.join("\n",
            "if redis.call('HGET', KEYS[6], ARGV[3]) ~= ARGV[4] then return {0} end",
            "redis.call('ZREM', KEYS[3], ARGV[3])",
            "redis.call('HDEL', KEYS[4], ARGV[3])",
            "redis.call('HDEL', KEYS[5], ARGV[3])",
            "redis.call('HDEL', KEYS[6], ARGV[3])",
            "redis.call('HDEL', KEYS[7], ARGV[4])",
            "return {1}"));

    /**
     * Gives a job back under its lease: to the tail of the queue (after a delay, if given), or to
     * the dead-letter list once it used up its attempts. Idempotent like {@link #ACK}. ARGV: ttl,
     * direct, id, token, max attempts, delay ms. Returns {1 re-queued | 2 dead-lettered | 0 lease
     * not held}.
     */
    static final QueuePort.Script NACK = new QueuePort.Script("queue.nack.v1", PRELUDE + String.join("\n",
            "local id = ARGV[3]",
            "if redis.call('HGET', KEYS[6], id) ~= ARGV[4] then return {0} end",
            "redis.call('ZREM', KEYS[3], id)",
            "redis.call('HDEL', KEYS[6], id)",
            "redis.call('HDEL', KEYS[7], ARGV[4])",
            "if attempts_of(redis.call('HGET', KEYS[5], id)) >= tonumber(ARGV[5]) then",
            "  redis.call('RPUSH', KEYS[8], id)",
            "  return {2}",
            "end",
            "local delay = tonumber(ARGV[6])",
            "if delay > 0 then",
            "  redis.call('ZADD', KEYS[2], s(now_ms() + delay), id)",
            "else",
            "  redis.call('RPUSH', KEYS[1], id)",
            "end",
            "return {1}"));

    /** Re-queues expired in-flight jobs, promotes due delayed ones. ARGV: max attempts, limit. Returns {back, dead}. */
    static final QueuePort.Script REAP = new QueuePort.Script("queue.reap.v1", PRELUDE + String.join("\n",
            "local now = now_ms()",
            "local back, dead = reap(now, tonumber(ARGV[2]), tonumber(ARGV[1]))",
            "promote(now, tonumber(ARGV[2]))",
            "return {back, dead}"));

    /**
     * Counts, the enqueue time of the next job, Redis's time and the live workers. Returns {ready,
     * delayed, in flight, dead, next job's enqueued ms or -1, now ms, worker, expiry ms, ...}.
     */
    static final QueuePort.Script STATS = new QueuePort.Script("queue.stats.v1", PRELUDE + String.join("\n",
            "local now = now_ms()",
            "local head = redis.call('LINDEX', KEYS[1], 0)",
            "local enq = '-1'",
            "if head then",
            "  local meta = redis.call('HGET', KEYS[5], head)",
            "  if meta then enq = string.match(meta, ':(%d+)$') or '-1' end",
            "end",
            "local out = {redis.call('LLEN', KEYS[1]), redis.call('ZCARD', KEYS[2]), redis.call('ZCARD', KEYS[3]),",
            "  redis.call('LLEN', KEYS[8]), enq, s(now)}",
            "local live = redis.call('ZRANGEBYSCORE', KEYS[9], '(' .. s(now), '+inf', 'WITHSCORES')",
            "for _, v in ipairs(live) do out[#out + 1] = v end",
            "return out"));

    /**
     * A worker's heartbeat: its registration key with a TTL, and its entry in the workers index;
     * drops index entries whose registration expired. KEYS[10] is the registration key. ARGV:
     * worker name, TTL ms, description. Returns {expiry ms}.
     */
    static final QueuePort.Script HEARTBEAT = new QueuePort.Script("queue.heartbeat.v1", PRELUDE + String.join("\n",
            "local now = now_ms()",
            "redis.call('SET', KEYS[10], ARGV[3], 'PX', ARGV[2])",
            "local expiry = s(now + tonumber(ARGV[2]))",
            "redis.call('ZADD', KEYS[9], expiry, ARGV[1])",
            "redis.call('ZREMRANGEBYSCORE', KEYS[9], '-inf', s(now))",
            "return {expiry}"));

    /** Removes a worker's registration. KEYS[10] is its key; ARGV: worker name. Returns {removed}. */
    static final QueuePort.Script DEREGISTER = new QueuePort.Script("queue.deregister.v1", String.join("\n",
            "redis.call('DEL', KEYS[10])",
            "return {redis.call('ZREM', KEYS[9], ARGV[1])}"));

    /** Up to ARGV[1] dead-lettered jobs, oldest first: {id, payload, meta, ...}. */
    static final QueuePort.Script DEAD = new QueuePort.Script("queue.dead.v1", String.join("\n",
            "local ids = redis.call('LRANGE', KEYS[8], 0, tonumber(ARGV[1]) - 1)",
            "local out = {}",
            "for _, id in ipairs(ids) do",
            "  out[#out + 1] = id",
            "  out[#out + 1] = redis.call('HGET', KEYS[4], id) or ''",
            "  out[#out + 1] = redis.call('HGET', KEYS[5], id) or '0:0'",
            "end",
            "return out"));

    /** Deletes every dead-lettered job. Returns {count}. */
    static final QueuePort.Script PURGE_DEAD = new QueuePort.Script("queue.purge-dead.v1", String.join("\n",
            "local ids = redis.call('LRANGE', KEYS[8], 0, -1)",
            "for _, id in ipairs(ids) do",
            "  redis.call('HDEL', KEYS[4], id)",
            "  redis.call('HDEL', KEYS[5], id)",
            "end",
            "redis.call('DEL', KEYS[8])",
            "return {#ids}"));
}
