package dev.numbat.core.hash;

import org.apache.arrow.memory.ArrowBuf;

/**
 * xxHash64 (seed 0) over values and over bytes held in Arrow buffers, written out so that it reads straight
 * from an {@link ArrowBuf} without copying. The results equal the reference XXH64 of the value's
 * little-endian bytes: {@link #hashLong} is XXH64 of the 8 bytes of the long, {@link #hash128} of the 16
 * bytes {@code lo, hi}, and {@link #hashBytes} of the bytes themselves.
 *
 * <p>These functions are part of Numbat's data format: the cluster routes rows by them, so their results
 * must never change between versions, processes or machines. Arrow buffers are little-endian on every
 * platform Arrow Java supports, which is what makes {@code getLong} reads stable.
 */
public final class XxHash64 {
    static final long P1 = 0x9E3779B185EBCA87L;
    static final long P2 = 0xC2B2AE3D27D4EB4FL;
    static final long P3 = 0x165667B19E3779F9L;
    static final long P4 = 0x85EBCA77C2B2AE63L;
    static final long P5 = 0x27D4EB2F165667C5L;

    private XxHash64() {
    }

    /** XXH64 of the 8 little-endian bytes of {@code v}. */
    public static long hashLong(long v) {
        long h = P5 + 8;
        h ^= round(0, v);
        h = Long.rotateLeft(h, 27) * P1 + P4;
        return avalanche(h);
    }

    /** XXH64 of the 16 little-endian bytes {@code lo, hi} (a 128-bit integer such as a decimal). */
    public static long hash128(long lo, long hi) {
        long h = P5 + 16;
        h ^= round(0, lo);
        h = Long.rotateLeft(h, 27) * P1 + P4;
        h ^= round(0, hi);
        h = Long.rotateLeft(h, 27) * P1 + P4;
        return avalanche(h);
    }

    /** XXH64 of {@code length} bytes of {@code buf} starting at byte {@code offset}. */
    public static long hashBytes(ArrowBuf buf, long offset, long length) {
        long p = offset;
        final long end = offset + length;
        long h;
        if (length >= 32) {
            long v1 = P1 + P2;
            long v2 = P2;
            long v3 = 0;
            long v4 = -P1;
            final long limit = end - 32;
            do {
                v1 = round(v1, buf.getLong(p));
                v2 = round(v2, buf.getLong(p + 8));
                v3 = round(v3, buf.getLong(p + 16));
                v4 = round(v4, buf.getLong(p + 24));
                p += 32;
            } while (p <= limit);
            h = Long.rotateLeft(v1, 1) + Long.rotateLeft(v2, 7) + Long.rotateLeft(v3, 12) + Long.rotateLeft(v4, 18);
            h = mergeRound(h, v1);
            h = mergeRound(h, v2);
            h = mergeRound(h, v3);
            h = mergeRound(h, v4);
        } else {
            h = P5;
        }
        h += length;
        while (p + 8 <= end) {
            h ^= round(0, buf.getLong(p));
            h = Long.rotateLeft(h, 27) * P1 + P4;
            p += 8;
        }
        if (p + 4 <= end) {
            h ^= (buf.getInt(p) & 0xFFFF_FFFFL) * P1;
            h = Long.rotateLeft(h, 23) * P2 + P3;
            p += 4;
        }
        while (p < end) {
            h ^= (buf.getByte(p) & 0xFFL) * P5;
            h = Long.rotateLeft(h, 11) * P1;
            p++;
        }
        return avalanche(h);
    }

    /** The xxHash64 final mix: spreads every input bit over every output bit. */
    public static long avalanche(long h) {
        h ^= h >>> 33;
        h *= P2;
        h ^= h >>> 29;
        h *= P3;
        h ^= h >>> 32;
        return h;
    }

    private static long round(long acc, long input) {
        acc += input * P2;
        acc = Long.rotateLeft(acc, 31);
        return acc * P1;
    }

    private static long mergeRound(long acc, long val) {
        acc ^= round(0, val);
        return acc * P1 + P4;
    }
}
