package dev.numbat.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.numbat.core.NumbatException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CatalogTest {
    @TempDir
    Path dir;

    @Test
    void parquetRowCountsComeFromFootersAndNamesAreCaseSensitive() throws Exception {
        try (TpchLikeData data = new TpchLikeData(dir)) {
            assertThat(data.catalog.table("lineitem").rowCount()).isEqualTo(24_000);
            assertThat(data.catalog.table("nation").getStatistic().getRowCount()).isEqualTo(25);
            assertThat(data.catalog.tableNames()).contains("lineitem", "orders", "customer", "nation");
            assertThatThrownBy(() -> data.catalog.table("LINEITEM"))
                    .isInstanceOf(NumbatException.class).hasMessageContaining("no table LINEITEM");
            PlannerContext planner = new PlannerContext(data.catalog);
            assertThatThrownBy(() -> planner.relBuilder().scan("LINEITEM")).hasMessageContaining("LINEITEM");
        }
    }
}
