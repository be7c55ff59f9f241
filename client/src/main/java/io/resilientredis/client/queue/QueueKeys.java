package io.resilientredis.client.queue;

import java.util.ArrayList;
import java.util.List;

/**
 * The Redis keys of one queue. All share the hash tag {@code {name}}, so they live in one slot.
 * Every queue script gets the same KEYS, in this order: ready (list of job ids, head first),
 * delayed (zset, score = not-before ms), in-flight (zset, score = visibility deadline ms), jobs
 * (hash id → payload), meta (hash id → {@code attempts:enqueuedMs}), leases (hash id → lease
 * token), tokens (hash token → id), dead (list of dead-lettered ids), workers (zset name →
 * registration expiry ms), then one extra key (the exactly-once marker of an enqueue, or a
 * worker's registration key).
 */
final class QueueKeys {

    static final String PREFIX = "rr:q:";

    private final String name;
    private final String base;

    QueueKeys(String name) {
        this.name = validName(name);
        this.base = PREFIX + "{" + name + "}:";
    }

    static String validName(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("a queue name must not be empty");
        }
        if (name.length() > 200) {
            throw new IllegalArgumentException("queue name is longer than 200 characters: " + name.substring(0, 40) + "...");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '{' || c == '}' || Character.isWhitespace(c) || Character.isISOControl(c)) {
                throw new IllegalArgumentException("queue name '" + name + "' contains '" + c
                        + "'; use letters, digits and punctuation other than braces");
            }
        }
        return name;
    }

    String name() {
        return name;
    }

    String ready() {
        return base + "ready";
    }

    String workerKey(String worker) {
        return base + "worker:" + worker;
    }

    /** @return the nine fixed keys plus {@code extra} */
    List<String> with(String extra) {
        List<String> keys = new ArrayList<>(10);
        keys.add(base + "ready");
        keys.add(base + "delayed");
        keys.add(base + "inflight");
        keys.add(base + "jobs");
        keys.add(base + "meta");
        keys.add(base + "leases");
        keys.add(base + "tokens");
        keys.add(base + "dead");
        keys.add(base + "workers");
        keys.add(extra);
        return keys;
    }

    /** @return the nine fixed keys, without an extra one */
    List<String> fixed() {
        return with(base + "none").subList(0, 9);
    }

    /** @return the fixed keys plus a placeholder extra key (scripts that use none) */
    List<String> all() {
        return with(base + "none");
    }
}
