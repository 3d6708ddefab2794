package dev.numbat.bench.spark;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Spark SQL in local mode as a benchmark peer, driven over stdin/stdout by the bench runner's
 * {@code dev.numbat.bench.engine.SparkEngine}, which starts this program in its own JVM on this module's
 * classpath. Spark brings its own Netty, Jackson, Arrow, Parquet and Hadoop, at versions that do not match
 * Numbat's; its own JVM keeps both classpaths (and both garbage collectors) apart.
 *
 * <p>Arguments: {@code <threads> <shuffle partitions>}. The line protocol, one request per line:
 * <pre>
 *   (on start)                 -> READY &lt;spark version&gt;
 *   TABLE &lt;name&gt; &lt;dir&gt;         -> OK              (a temporary view over the Parquet files in dir)
 *   RUN &lt;base64 SQL&gt;           -> RESULT &lt;millis&gt; &lt;rows&gt;, then one line per row
 *                              -> ERROR &lt;message on one line&gt;
 *   QUIT                       (exits)
 * </pre>
 * A row line holds tab-separated values, each a type letter and its text: {@code N} null, {@code i} integer,
 * {@code d} decimal, {@code f} double, {@code s} string (backslash escapes for {@code \ tab newline CR}),
 * {@code D} date (ISO), {@code t} timestamp (ISO), {@code b} boolean. The time covers parsing, planning,
 * execution and collecting every row into the driver; encoding the rows is not timed.
 *
 * <p>Everything Spark or its libraries print goes to stderr: stdout carries the protocol only.
 */
public final class SparkWorker {

    private SparkWorker() {
    }

    public static void main(String[] args) throws IOException {
        int threads = Integer.parseInt(args[0]);
        int shufflePartitions = Integer.parseInt(args[1]);
        BufferedWriter out = new BufferedWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.out),
                StandardCharsets.UTF_8));
        // Anything printed with System.out by a library would corrupt the protocol.
        System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8));
        SparkSession spark = SparkSession.builder()
                .appName("numbat-bench")
                .master("local[" + threads + "]")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", Integer.toString(shufflePartitions))
                .config("spark.sql.adaptive.enabled", "true")
                .config("spark.sql.session.timeZone", "UTC")
                .getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        reply(out, "READY " + spark.version());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                String[] parts = line.split(" ", 3);
                switch (parts[0]) {
                    case "TABLE" -> {
                        try {
                            spark.read().parquet(Path.of(parts[2]).toString()).createOrReplaceTempView(parts[1]);
                            reply(out, "OK");
                        } catch (RuntimeException e) {
                            reply(out, "ERROR " + oneLine(e));
                        }
                    }
                    case "RUN" -> run(spark, new String(Base64.getDecoder().decode(parts[1]), StandardCharsets.UTF_8),
                            out);
                    case "QUIT" -> {
                        return;
                    }
                    default -> reply(out, "ERROR unknown request " + parts[0]);
                }
            }
        } finally {
            spark.stop();
        }
    }

    private static void run(SparkSession spark, String sql, BufferedWriter out) throws IOException {
        List<Row> rows;
        long start = System.nanoTime();
        try {
            rows = spark.sql(sql).collectAsList();
        } catch (RuntimeException e) {
            reply(out, "ERROR " + oneLine(e));
            return;
        }
        double millis = (System.nanoTime() - start) / 1e6;
        out.write("RESULT " + millis + " " + rows.size());
        out.newLine();
        StringBuilder sb = new StringBuilder();
        for (Row row : rows) {
            sb.setLength(0);
            for (int i = 0; i < row.length(); i++) {
                if (i > 0) {
                    sb.append('\t');
                }
                encode(row.get(i), sb);
            }
            out.write(sb.toString());
            out.newLine();
        }
        out.flush();
    }

    private static void encode(Object v, StringBuilder sb) {
        if (v == null) {
            sb.append('N');
        } else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            sb.append('i').append(v);
        } else if (v instanceof BigDecimal d) {
            sb.append('d').append(d.toPlainString());
        } else if (v instanceof Double || v instanceof Float) {
            sb.append('f').append(((Number) v).doubleValue());
        } else if (v instanceof java.sql.Date d) {
            sb.append('D').append(d.toLocalDate());
        } else if (v instanceof java.time.LocalDate d) {
            sb.append('D').append(d);
        } else if (v instanceof java.sql.Timestamp t) {
            sb.append('t').append(t.toLocalDateTime());
        } else if (v instanceof Boolean b) {
            sb.append('b').append(b);
        } else {
            sb.append('s');
            String s = v.toString();
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '\\' -> sb.append("\\\\");
                    case '\t' -> sb.append("\\t");
                    case '\n' -> sb.append("\\n");
                    case '\r' -> sb.append("\\r");
                    default -> sb.append(c);
                }
            }
        }
    }

    private static String oneLine(Throwable e) {
        String m = e.getClass().getSimpleName() + ": " + e.getMessage();
        return m.replace('\n', ' ').replace('\r', ' ');
    }

    private static void reply(BufferedWriter out, String line) throws IOException {
        out.write(line);
        out.newLine();
        out.flush();
    }
}
