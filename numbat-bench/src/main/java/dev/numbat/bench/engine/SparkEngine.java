package dev.numbat.bench.engine;

import dev.numbat.bench.tpch.TpchTables;
import dev.numbat.bench.tpch.queries.TpchQueries;
import dev.numbat.core.ErrorCode;
import dev.numbat.core.NumbatException;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Spark SQL in {@code local[threads]} mode, run in its own JVM: the worker program
 * {@code dev.numbat.bench.spark.SparkWorker} of the {@code numbat-bench-spark} module, which only the Maven
 * profile {@code peers} builds, so nothing here needs Spark's classes. Spark 4 brings its own Netty, Jackson,
 * Arrow, Parquet and Hadoop at versions other than Numbat's, and a separate JVM also keeps its garbage
 * collector and heap out of the other engines' timings. This class speaks the worker's line protocol (see
 * SparkWorker's Javadoc) over the child's stdin and stdout; the child's stderr goes to a log file.
 *
 * <p>The worker JVM gets the same heap as the bench JVM, the {@code --add-opens} flags Spark needs on Java 17,
 * loopback-only networking and {@code spark.sql.shuffle.partitions = 2 x threads} (adaptive execution then
 * coalesces small partitions).
 */
public final class SparkEngine implements Engine {
    /** System property naming the worker's classpath; else environment variable {@link #CLASSPATH_ENV}. */
    public static final String CLASSPATH_PROPERTY = "numbat.spark.classpath";
    public static final String CLASSPATH_ENV = "NUMBAT_SPARK_CLASSPATH";
    static final String WORKER = "dev.numbat.bench.spark.SparkWorker";

    /** What Spark's own launcher passes on Java 17 (JavaModuleOptions), without which date functions fail. */
    static final List<String> JVM_FLAGS = List.of(
            "-XX:+IgnoreUnrecognizedVMOptions",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED",
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED",
            "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
            "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED",
            "-Djdk.reflect.useDirectMethodHandle=false",
            "-Dio.netty.tryReflectionSetAccessible=true");

    private final int threads;
    private final long heapBytes;
    private final String classpath;
    private final Path log;
    private Process process;
    private BufferedReader in;
    private BufferedWriter out;
    private String version = "?";

    /**
     * @param classpath the worker's classpath ({@link #locateClasspath()})
     * @param log where the worker's stderr (Spark's own logging) is written
     */
    public SparkEngine(int threads, long heapBytes, String classpath, Path log) {
        this.threads = threads;
        this.heapBytes = heapBytes;
        this.classpath = classpath;
        this.log = log;
    }

    /**
     * The worker's classpath: the system property {@value #CLASSPATH_PROPERTY}, else the environment variable
     * {@value #CLASSPATH_ENV} (the {@code ./numbat} launcher sets it after building the module), else
     * {@code numbat-bench-spark/target} in the working directory or a parent once built with
     * {@code mvn -Ppeers}. A user error saying how to build it when there is none.
     */
    public static String locateClasspath() {
        String cp = System.getProperty(CLASSPATH_PROPERTY);
        if (cp == null || cp.isBlank()) {
            cp = System.getenv(CLASSPATH_ENV);
        }
        if (cp != null && !cp.isBlank()) {
            return cp;
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path target = dir.resolve("numbat-bench-spark").resolve("target");
            Path deps = target.resolve("classpath.txt");
            if (Files.isRegularFile(deps) && Files.isDirectory(target.resolve("classes"))) {
                try {
                    return target.resolve("classes") + java.io.File.pathSeparator + Files.readString(deps).trim();
                } catch (IOException e) {
                    throw new NumbatException(ErrorCode.IO_ERROR, "cannot read " + deps, e);
                }
            }
        }
        throw NumbatException.userError("the spark engine is not built: run the benchmark through ./numbat, which "
                + "builds it when --engines names spark, or build it with `mvn -B -Ppeers -pl numbat-bench-spark "
                + "package` (or set %s)", CLASSPATH_ENV);
    }

    @Override
    public String name() {
        return "spark";
    }

    @Override
    public String description() {
        return "Spark SQL " + version + " local[" + threads + "] in its own JVM, heap " + (heapBytes >> 20)
                + " MB, spark.sql.shuffle.partitions=" + shufflePartitions() + ", adaptive execution on";
    }

    private int shufflePartitions() {
        return 2 * threads;
    }

    @Override
    public void prepare(Path tables) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx" + (heapBytes >> 20) + "m");
        command.addAll(JVM_FLAGS);
        command.add("-cp");
        command.add(classpath);
        command.add(WORKER);
        command.add(Integer.toString(threads));
        command.add(Integer.toString(shufflePartitions()));
        Files.createDirectories(log.toAbsolutePath().getParent());
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(log.toFile());
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        process = pb.start();
        in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        out = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
        String ready = readLine();
        if (!ready.startsWith("READY ")) {
            throw failure("unexpected first line from the Spark worker: " + ready);
        }
        version = ready.substring("READY ".length());
        for (String t : TpchTables.NAMES) {
            send("TABLE " + t + " " + tables.resolve(t).toAbsolutePath());
            String reply = readLine();
            if (!reply.equals("OK")) {
                throw failure("Spark cannot read table " + t + ": " + reply);
            }
        }
    }

    @Override
    public Execution run(int query) throws IOException {
        String sql = TpchQueries.sql(query);
        send("RUN " + Base64.getEncoder().encodeToString(sql.getBytes(StandardCharsets.UTF_8)));
        String head = readLine();
        if (head.startsWith("ERROR ")) {
            throw new NumbatException(ErrorCode.OPERATOR_FAILED, "Spark: " + head.substring("ERROR ".length()));
        }
        String[] parts = head.split(" ");
        if (parts.length != 3 || !parts[0].equals("RESULT")) {
            throw failure("unexpected reply from the Spark worker: " + head);
        }
        double millis = Double.parseDouble(parts[1]);
        int n = Integer.parseInt(parts[2]);
        List<List<Object>> rows = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            rows.add(decodeRow(readLine()));
        }
        return new Execution(millis, rows);
    }

    /** One row line of the worker protocol as plain values (Long, BigDecimal, Double, String, LocalDate, ...). */
    static List<Object> decodeRow(String line) {
        List<Object> row = new ArrayList<>();
        if (line.isEmpty()) {
            return row;
        }
        for (String field : line.split("\t", -1)) {
            row.add(decodeValue(field));
        }
        return row;
    }

    private static Object decodeValue(String f) {
        char type = f.charAt(0);
        String text = f.substring(1);
        return switch (type) {
            case 'N' -> null;
            case 'i' -> Long.parseLong(text);
            case 'd' -> new BigDecimal(text);
            case 'f' -> Double.parseDouble(text);
            case 'D' -> LocalDate.parse(text);
            case 't' -> LocalDateTime.parse(text);
            case 'b' -> Boolean.parseBoolean(text);
            case 's' -> unescape(text);
            default -> throw NumbatException.internal("bad value from the Spark worker: " + f, null);
        };
    }

    private static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char e = s.charAt(++i);
                sb.append(switch (e) {
                    case 't' -> '\t';
                    case 'n' -> '\n';
                    case 'r' -> '\r';
                    default -> e;
                });
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private void send(String line) throws IOException {
        out.write(line);
        out.newLine();
        out.flush();
    }

    private String readLine() throws IOException {
        String line = in.readLine();
        if (line == null) {
            throw failure("the Spark worker exited");
        }
        return line;
    }

    private NumbatException failure(String message) {
        return new NumbatException(ErrorCode.EXECUTOR_LOST, message + " (its log: " + log + lastLines() + ")");
    }

    private String lastLines() {
        try {
            List<String> lines = Files.readAllLines(log);
            return lines.isEmpty() ? "" : "; last lines:\n  "
                    + String.join("\n  ", lines.subList(Math.max(0, lines.size() - 8), lines.size()));
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process == null) {
            return;
        }
        try {
            send("QUIT");
        } catch (IOException e) {
            // Already gone: nothing to say goodbye to.
        }
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        process = null;
    }
}
