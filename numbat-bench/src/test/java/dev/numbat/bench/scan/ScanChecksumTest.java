package dev.numbat.bench.scan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.numbat.core.testing.TestAllocator;
import java.nio.charset.StandardCharsets;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.junit.jupiter.api.Test;

class ScanChecksumTest {

    /** The sum of little-endian 64-bit words, the last one zero-padded, computed byte by byte. */
    private static long reference(byte[] bytes) {
        long sum = 0;
        for (int w = 0; w < bytes.length; w += 8) {
            long word = 0;
            for (int k = 0; k < 8 && w + k < bytes.length; k++) {
                word |= (bytes[w + k] & 0xFFL) << (8 * k);
            }
            sum += word;
        }
        return sum;
    }

    @Test
    void sumReadsEveryByteWhateverTheLength() {
        try (BufferAllocator allocator = TestAllocator.create(); ArrowBuf buf = allocator.buffer(64)) {
            byte[] bytes = new byte[64];
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = (byte) (i * 37 + 11);
                buf.setByte(i, bytes[i]);
            }
            for (int length = 0; length <= 64; length++) {
                byte[] prefix = java.util.Arrays.copyOf(bytes, length);
                assertThat(ScanChecksum.sum(buf.memoryAddress(), length)).as("length %d", length)
                        .isEqualTo(reference(prefix));
            }
        }
    }

    @Test
    void touchCountsValidityOffsetsAndDataOfTheValuesOnly() {
        try (BufferAllocator allocator = TestAllocator.create();
                IntVector ints = new IntVector("i", allocator);
                VarCharVector strings = new VarCharVector("s", allocator)) {
            ints.allocateNew(1000); // capacity beyond the 3 values must not be read
            ints.set(0, 1);
            ints.setNull(1);
            ints.set(2, 3);
            ints.setValueCount(3);
            strings.allocateNew();
            strings.setSafe(0, "hello".getBytes(StandardCharsets.UTF_8));
            strings.setSafe(1, "".getBytes(StandardCharsets.UTF_8));
            strings.setSafe(2, "numbat!".getBytes(StandardCharsets.UTF_8));
            strings.setValueCount(3);

            long[] acc = new long[2];
            ScanChecksum.touch(ints, acc);
            // One validity byte for 3 values, 3 x 4 data bytes.
            assertThat(acc[0]).isEqualTo(1 + 12);
            // The null slot's data is whatever allocateNew left (zeroed), so only the set values and validity count.
            assertThat(acc[1]).isEqualTo(reference(new byte[] {0b101}) + reference(new byte[] {1, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0}));

            long[] s = new long[2];
            ScanChecksum.touch(strings, s);
            // Validity 1 byte, offsets 4 x 4 bytes, data 12 bytes.
            assertThat(s[0]).isEqualTo(1 + 16 + 12);
        }
    }
}
