package dev.numbat.operators.aggregate;

import java.util.Arrays;

/**
 * An open-addressing (linear probing) hash table from key tuples to dense entry ids 0, 1, 2, ... (group ids).
 * The table itself holds only primitive arrays: {@code slots} (entry id + 1 and the high 32 bits of its hash,
 * 0 for empty, capacity a power of two, at most half full) and each entry's 64-bit hash; the keys live
 * column-wise in {@link KeyColumn}s. The slot of a hash is its low bits; keeping the high bits in the slot
 * lets a probe rule out other entries without reading their hash from a second array.
 *
 * <p>{@link #findOrInsert} works a batch at a time in three passes so that no per-row virtual call is made:
 * (1) for every row, walk from its home slot to the first slot that is empty (a new entry is created there
 * and its row remembered) or holds an entry with the same high hash bits (a candidate); (2) append the new
 * entries' keys and check every candidate's keys, one column at a time; (3) the rows whose candidate turned
 * out to differ (hash collisions: practically never) are resolved one by one. Entries are never removed, so
 * an equal key, if present, always lies on the probe path before the first empty slot.
 */
final class GroupTable {
    private final KeyColumn[] keys;
    private static final long TAG = 0xFFFF_FFFF_0000_0000L;

    /** Per slot: 0 when empty, else the high 32 bits of the entry's hash and, in the low 32, entry id + 1. */
    private long[] slots = new long[16];
    private int mask = 15;
    private long[] hashes = new long[16];
    private int size;

    // Scratch, reused across batches.
    private int[] newRows = new int[0];
    private int[] candPos = new int[0];
    private int[] candRows = new int[0];
    private int[] candEntries = new int[0];
    private boolean[] eq = new boolean[0];

    GroupTable(KeyColumn... keys) {
        this.keys = keys;
    }

    int size() {
        return size;
    }

    /** The table's footprint in slots (for metrics and tests). */
    int capacity() {
        return slots.length;
    }

    /**
     * For {@code k} in {@code 0..count}: finds or creates the entry whose key equals row {@code rows[k]} of the
     * bound key columns, whose hash is {@code rowHashes[rows[k]]}, and writes its id to {@code out[k]}.
     */
    void findOrInsert(long[] rowHashes, int[] rows, int count, int[] out) {
        if (newRows.length < count) {
            int n = Math.max(count, 16);
            newRows = new int[n];
            candPos = new int[n];
            candRows = new int[n];
            candEntries = new int[n];
            eq = new boolean[n];
        }
        int newCount = 0;
        int candCount = 0;
        for (int k = 0; k < count; k++) {
            int row = rows[k];
            long h = rowHashes[row];
            int idx = (int) h & mask;
            while (true) {
                long s = slots[idx];
                if (s == 0) {
                    int e = newEntry(h, idx);
                    newRows[newCount++] = row;
                    out[k] = e;
                    break;
                }
                if (((s ^ h) & TAG) == 0) {
                    candPos[candCount] = k;
                    candRows[candCount] = row;
                    candEntries[candCount] = (int) s - 1;
                    candCount++;
                    break;
                }
                idx = (idx + 1) & mask;
            }
        }
        for (KeyColumn key : keys) {
            key.append(newRows, newCount);
        }
        if (candCount == 0) {
            return;
        }
        Arrays.fill(eq, 0, candCount, true);
        for (KeyColumn key : keys) {
            key.equal(candRows, candEntries, candCount, eq);
        }
        for (int c = 0; c < candCount; c++) {
            out[candPos[c]] = eq[c] ? candEntries[c] : findOrInsertSlow(rowHashes[candRows[c]], candRows[c]);
        }
    }

    private int findOrInsertSlow(long h, int row) {
        int idx = (int) h & mask;
        while (true) {
            long s = slots[idx];
            if (s == 0) {
                int e = newEntry(h, idx);
                int[] one = {row};
                for (KeyColumn key : keys) {
                    key.append(one, 1);
                }
                return e;
            }
            int e = (int) s - 1;
            if (hashes[e] == h && equalOne(row, e)) {
                return e;
            }
            idx = (idx + 1) & mask;
        }
    }

    private boolean equalOne(int row, int entry) {
        for (KeyColumn key : keys) {
            if (!key.equalOne(row, entry)) {
                return false;
            }
        }
        return true;
    }

    /** Creates entry {@code size} in (empty) slot {@code idx}, growing the table to stay at most half full. */
    private int newEntry(long h, int idx) {
        int e = size++;
        if (e == hashes.length) {
            hashes = Arrays.copyOf(hashes, KeyColumn.grow(hashes.length, e + 1));
        }
        hashes[e] = h;
        slots[idx] = (h & TAG) | (e + 1);
        if ((long) size * 2 > slots.length) {
            rehash(slots.length * 2);
        }
        return e;
    }

    private void rehash(int capacity) {
        if (capacity <= 0 || capacity > (1 << 30)) {
            throw new dev.numbat.core.NumbatException(dev.numbat.core.ErrorCode.RESOURCE_EXHAUSTED,
                    "hash aggregate has too many groups in one channel: " + size);
        }
        long[] fresh = new long[capacity];
        int m = capacity - 1;
        for (int e = 0; e < size; e++) {
            long h = hashes[e];
            int idx = (int) h & m;
            while (fresh[idx] != 0) {
                idx = (idx + 1) & m;
            }
            fresh[idx] = (h & TAG) | (e + 1);
        }
        slots = fresh;
        mask = m;
    }

    /** Frees the table and its keys. */
    void clear() {
        slots = new long[16];
        mask = 15;
        hashes = new long[16];
        size = 0;
        newRows = candPos = candRows = candEntries = new int[0];
        eq = new boolean[0];
        for (KeyColumn key : keys) {
            key.clear();
        }
    }
}
