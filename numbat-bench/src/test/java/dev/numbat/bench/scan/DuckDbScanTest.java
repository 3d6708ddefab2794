package dev.numbat.bench.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DuckDbScanTest {

    @Test
    void everyColumnTypeGetsAnAggregateThatReadsItsValues() {
        assertThat(DuckDbScan.aggregate("l_orderkey", "BIGINT")).isEqualTo("sum(\"l_orderkey\")");
        assertThat(DuckDbScan.aggregate("price", "DECIMAL(15,2)")).isEqualTo("sum(\"price\")");
        assertThat(DuckDbScan.aggregate("q", "DOUBLE")).isEqualTo("sum(\"q\")");
        assertThat(DuckDbScan.aggregate("c", "VARCHAR")).isEqualTo("sum(strlen(\"c\"))");
        assertThat(DuckDbScan.aggregate("d", "DATE")).isEqualTo("sum(hash(\"d\"))");
        assertThat(DuckDbScan.aggregate("we\"ird", "BOOLEAN")).isEqualTo("sum(hash(\"we\"\"ird\"))");
    }

    @Test
    void tableFunctionListsTheFilesQuoted() {
        String f = DuckDbScan.tableFunction(ScanFormat.CSV, List.of(Path.of("/tmp/a'b.csv"), Path.of("/tmp/c.csv")));
        assertThat(f).isEqualTo("read_csv(['/tmp/a''b.csv', '/tmp/c.csv'], header = true)");
        assertThat(DuckDbScan.tableFunction(ScanFormat.PARQUET, List.of(Path.of("/x/p.parquet"))))
                .isEqualTo("read_parquet(['/x/p.parquet'])");
    }

    @Test
    void queryCountsRowsAndAggregatesEveryOrTheChosenColumns(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("t.csv");
        Files.writeString(csv, "id,name,day,price\n1,ab,2024-01-02,1.5\n2,,2024-01-03,2.25\n3,xyz,2024-01-04,\n");
        try (DuckDbScan duck = new DuckDbScan(1)) {
            String table = DuckDbScan.tableFunction(ScanFormat.CSV, List.of(csv));
            String all = duck.query(table, null);
            assertThat(all).contains("count(*)", "sum(\"id\")", "sum(strlen(\"name\"))", "sum(hash(\"day\"))",
                    "sum(\"price\")");
            DuckDbScan.Outcome o = duck.run(all);
            assertThat(o.rows()).isEqualTo(3);
            assertThat(o.checksum()).startsWith("6 5 ");

            String two = duck.query(table, List.of("id", "price"));
            assertThat(two).isEqualTo("SELECT count(*), sum(\"id\"), sum(\"price\") FROM " + table);
            assertThat(duck.run(two).checksum()).isEqualTo("6 3.75");

            assertThatThrownBy(() -> duck.query(table, List.of("nope"))).hasMessageContaining("no column nope");
        }
    }
}
