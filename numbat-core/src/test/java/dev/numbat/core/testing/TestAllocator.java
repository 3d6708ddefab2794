package dev.numbat.core.testing;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * A root allocator for tests that fails the test on close if any buffer is still outstanding:
 * {@code try (var allocator = TestAllocator.create()) { ... }} or close it in {@code @AfterEach}.
 */
public final class TestAllocator {
    private TestAllocator() {
    }

    public static BufferAllocator create() {
        // RootAllocator.close() throws IllegalStateException naming the leaked buffers.
        return new RootAllocator(Long.MAX_VALUE);
    }
}
