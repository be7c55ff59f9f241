package io.resilientredis.chaos.topology;

/**
 * A contiguous range of hash slots, both ends inclusive.
 *
 * @param first the first slot of the range
 * @param last the last slot of the range (equal to {@code first} for a single slot)
 */
public record SlotRange(int first, int last) {

    /**
     * Checks the bounds.
     *
     * @param first the first slot of the range
     * @param last the last slot of the range
     */
    public SlotRange {
        if (first < 0 || last >= ClusterSlots.SLOTS || first > last) {
            throw new IllegalArgumentException("a slot range is 0 <= first <= last <= 16383, got " + first + "-"
                    + last);
        }
    }

    /**
     * Whether the range holds a slot.
     *
     * @param slot a slot
     * @return whether {@code first <= slot <= last}
     */
    public boolean contains(int slot) {
        return slot >= first && slot <= last;
    }

    /** {@return how many slots the range holds} */
    public int size() {
        return last - first + 1;
    }

    /** Parses {@code 0-5460} or {@code 42} as CLUSTER NODES prints them. */
    static SlotRange parse(String text) {
        int dash = text.indexOf('-');
        return dash < 0 ? new SlotRange(Integer.parseInt(text), Integer.parseInt(text))
                : new SlotRange(Integer.parseInt(text.substring(0, dash)), Integer.parseInt(text.substring(dash + 1)));
    }

    @Override
    public String toString() {
        return first == last ? Integer.toString(first) : first + "-" + last;
    }
}
