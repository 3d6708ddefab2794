package dev.numbat.bench.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The Spark worker's row encoding, decoded on the runner's side (Spark itself runs only under -Ppeers). */
class SparkEngineTest {

    @Test
    void decodesEveryValueKindOfTheWorkerProtocol() {
        String line = String.join("\t", "i42", "d-1234.560000", "f0.5", "sa\\tb\\\\c\\nd", "D1998-09-02", "N",
                "bfalse", "s");
        assertThat(SparkEngine.decodeRow(line)).containsExactly(42L, new BigDecimal("-1234.560000"), 0.5,
                "a\tb\\c\nd", LocalDate.of(1998, 9, 2), null, false, "");
        assertThat(SparkEngine.decodeRow("")).isEmpty();
        assertThat(SparkEngine.decodeRow("s trailing space ")).isEqualTo(Arrays.asList(" trailing space "));
    }
}
