package dev.numbat.core.expr;

import java.util.Arrays;

/** A growable byte array for building string results. */
final class ByteBuilder {
    byte[] buf;
    int size;

    ByteBuilder(int capacity) {
        buf = new byte[Math.max(16, capacity)];
    }

    void ensure(int extra) {
        if (size + extra > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + extra));
        }
    }

    void append(byte[] src, int from, int to) {
        int len = to - from;
        ensure(len);
        System.arraycopy(src, from, buf, size, len);
        size += len;
    }

    void append(byte b) {
        ensure(1);
        buf[size++] = b;
    }

    /** The bytes, for use as a Col's data (may be longer than {@code size}). */
    byte[] bytes() {
        return buf;
    }
}
