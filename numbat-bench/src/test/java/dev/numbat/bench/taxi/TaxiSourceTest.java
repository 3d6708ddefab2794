package dev.numbat.bench.taxi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.numbat.client.NumbatContext;
import dev.numbat.client.Row;
import dev.numbat.core.source.Split;
import dev.numbat.core.source.SplitReader;
import dev.numbat.core.testing.TestAllocator;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;

class TaxiSourceTest {

    @Test
    void anySplittingGivesTheSameRows() {
        TaxiSource source = new TaxiSource(200_000, 7);
        assertThat(checksum(source, source.splits(1))).isEqualTo(checksum(source, source.splits(5)));
        assertThat(source.splits(5)).hasSize(3);
    }

    @Test
    void valuesArePlausible() {
        try (NumbatContext ctx = NumbatContext.local()) {
            List<Row> rows = ctx.read(new TaxiSource(50_000, 1)).collectRows();
            assertThat(rows).hasSize(50_000);
            long nulls = rows.stream().filter(r -> r.get("passenger_count") == null).count();
            assertThat(nulls).isBetween(1_000L, 2_000L);
            assertThat(rows).allSatisfy(r -> {
                assertThat((Double) r.get("trip_distance")).isGreaterThanOrEqualTo(0);
                assertThat((Integer) r.get("pu_location_id")).isBetween(1, 265);
            });
        }
    }

    private static long checksum(TaxiSource source, List<Split> splits) {
        long sum = 0;
        try (BufferAllocator allocator = TestAllocator.create()) {
            for (Split s : splits) {
                try (SplitReader reader = source.open(s, allocator)) {
                    for (VectorSchemaRoot next = reader.next(); next != null; next = reader.next()) {
                        try (VectorSchemaRoot b = next) {
                            for (int i = 0; i < b.getRowCount(); i++) {
                                sum = sum * 31 + Double.hashCode(((org.apache.arrow.vector.Float8Vector) b.getVector("fare_amount")).get(i));
                            }
                        }
                    }
                }
            }
        }
        return sum;
    }

}
