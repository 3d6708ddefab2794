package dev.numbat.bench.jmh;

import dev.numbat.bench.datagen.TpchDatagen;
import dev.numbat.core.source.Source;
import dev.numbat.io.csv.CsvOptions;
import dev.numbat.io.csv.CsvSource;
import dev.numbat.io.parquet.ParquetSource;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * File decoding, one reader on one thread: TPC-H lineitem at SF 0.02 (about 120,000 rows, all 16 columns),
 * written by Numbat's own writers into a temporary directory, read whole into Arrow batches. {@code csv} parses
 * text (tokenizing, numbers, decimals, dates); {@code parquet} decodes pages. Files come from the page cache
 * after the first read, so this is decoding, not disk, throughput; {@code bytes} are file bytes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class FileDecodeKernel {
    @Param({"csv", "parquet"})
    public String format;

    private Path dir;
    private long fileBytes;
    private Source source;
    private BufferAllocator allocator;

    @Setup(Level.Trial)
    public void files() throws Exception {
        boolean csv = format.equals("csv");
        dir = KernelData.generateLineitem(0.02, csv ? TpchDatagen.Format.CSV : TpchDatagen.Format.PARQUET);
        fileBytes = KernelData.bytes(dir);
        source = csv ? new CsvSource(dir.toString(), CsvOptions.defaults()) : new ParquetSource(dir.toString());
        allocator = new RootAllocator();
    }

    @Benchmark
    public long decode(RowCounters counters) {
        long rows = KernelData.readAll(source, allocator);
        counters.rows += rows;
        counters.bytes += fileBytes;
        return rows;
    }

    @TearDown(Level.Trial)
    public void release() throws Exception {
        allocator.close();
        KernelData.deleteRecursively(dir.getParent());
    }
}
