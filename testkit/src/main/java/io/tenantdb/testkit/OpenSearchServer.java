package io.tenantdb.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * An OpenSearch 2.19 node for tests, run in a child JVM with its own class path (OpenSearch needs Netty 4.1; the
 * build uses Netty 4.2), or an external cluster named by {@code TENANTDB_TEST_OPENSEARCH_URL}
 * (e.g. {@code http://user:pass@host:9200}).
 *
 * <p>The child JVM runs {@code io.tenantdb.testkit.opensearch.OpenSearchLauncher} from the class path written by
 * {@code mvn -pl testkit-opensearch package} to {@code testkit-opensearch/target/opensearch.classpath} (found via
 * the system property {@code tenantdb.opensearch.classpath}, else {@code tenantdb.root}, else by walking up from
 * the working directory). It is started once per test JVM, bound to 127.0.0.1 on a free port, and stopped — its
 * whole process tree — and its work directory deleted when the test JVM exits.
 */
final class OpenSearchServer {

    /** How long the node may take to answer; the machine running tests may be busy. */
    static final Duration START_TIMEOUT = Duration.ofSeconds(180);

    private static final String LAUNCHER = "io.tenantdb.testkit.opensearch.OpenSearchLauncher";
    private static final String CLASSPATH_FILE = "testkit-opensearch/target/opensearch.classpath";
    private static final String HOW_TO_FIX = "build the launcher first: mvn -B -pl testkit-opensearch package "
            + "(it writes " + CLASSPATH_FILE + "), or point TENANTDB_TEST_OPENSEARCH_URL at a running cluster";

    /** Kept reachable for the JVM's life: closing the child's stdin stops it. */
    private static Process child;

    private OpenSearchServer() {
    }

    static ServerEndpoint start() {
        String url = System.getenv("TENANTDB_TEST_OPENSEARCH_URL");
        if (url != null && !url.isBlank()) {
            return external(url);
        }
        Path classpathFile = classpathFile();
        if (classpathFile == null || !Files.isRegularFile(classpathFile)) {
            return TestServers.unavailable("opensearch", "no OpenSearch launcher class path found ("
                    + (classpathFile == null ? CLASSPATH_FILE : classpathFile) + "); " + HOW_TO_FIX);
        }
        Path work = null;
        try {
            String classpath = Files.readString(classpathFile, StandardCharsets.UTF_8).trim();
            work = workDirectory();
            Path portFile = work.resolve("http.port");
            Path log = work.resolve("opensearch.log");
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.add("-Xms256m");
            command.add("-Xmx256m");
            command.add("-XX:+UseSerialGC");
            command.add("-XX:TieredStopAtLevel=1");
            command.add("-Djava.io.tmpdir=" + Files.createDirectories(work.resolve("tmp")));
            command.add("-Djava.awt.headless=true");
            command.add("-cp");
            command.add(classpath);
            command.add(LAUNCHER);
            command.add(work.resolve("home").toString());
            command.add(portFile.toString());
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            child = process;
            Path cleanup = work;
            TestServers.stopAtExit("opensearch", () -> stop(process, cleanup));
            int port = awaitPort(process, portFile, log);
            awaitHealthy("http://127.0.0.1:" + port, null, null, log);
            return new ServerEndpoint("opensearch", "127.0.0.1", port, null, "", null, "embedded");
        } catch (IOException | RuntimeException e) {
            if (child != null) {
                stop(child, work);
                child = null;
            }
            return TestServers.unavailable("opensearch", "the OpenSearch child JVM did not start: " + e.getMessage()
                    + "; " + HOW_TO_FIX);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return TestServers.unavailable("opensearch", "interrupted while starting OpenSearch");
        }
    }

    private static ServerEndpoint external(String url) {
        URI uri = URI.create(url.trim());
        String user = null;
        String password = "";
        if (uri.getUserInfo() != null) {
            String[] parts = uri.getUserInfo().split(":", 2);
            user = parts[0];
            password = parts.length > 1 ? parts[1] : "";
        }
        int port = uri.getPort() < 0 ? ("https".equals(uri.getScheme()) ? 443 : 9200) : uri.getPort();
        return new ServerEndpoint("opensearch", uri.getHost(), port, user, password, null, "external");
    }

    private static Path classpathFile() {
        String explicit = System.getProperty("tenantdb.opensearch.classpath");
        if (explicit != null && !explicit.isBlank() && Files.isRegularFile(Path.of(explicit))) {
            return Path.of(explicit);
        }
        String root = System.getProperty("tenantdb.root");
        if (root != null && !root.isBlank() && Files.isRegularFile(Path.of(root, CLASSPATH_FILE))) {
            return Path.of(root, CLASSPATH_FILE);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(CLASSPATH_FILE);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        return explicit == null || explicit.isBlank() ? null : Path.of(explicit);
    }

    private static Path workDirectory() throws IOException {
        Path target = Path.of("target").toAbsolutePath();
        Path base = Files.isDirectory(target) ? target : Path.of(System.getProperty("java.io.tmpdir"));
        return Files.createTempDirectory(base, "tenantdb-opensearch-");
    }

    private static int awaitPort(Process process, Path portFile, Path log) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.isRegularFile(portFile)) {
                String text = Files.readString(portFile, StandardCharsets.US_ASCII).trim();
                if (!text.isEmpty()) {
                    return Integer.parseInt(text);
                }
            }
            if (!process.isAlive()) {
                throw new IOException("the child JVM exited with " + process.exitValue() + "; its output:\n"
                        + tail(log));
            }
            Thread.sleep(200);
        }
        throw new IOException("no HTTP port after " + START_TIMEOUT.toSeconds() + " s; its output:\n" + tail(log));
    }

    private static void awaitHealthy(String baseUrl, String user, String password, Path log)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        IOException last = null;
        while (System.nanoTime() < deadline) {
            try {
                HttpURLConnection connection = (HttpURLConnection) new URL(baseUrl
                        + "/_cluster/health?wait_for_status=yellow&timeout=5s").openConnection();
                connection.setConnectTimeout(1000);
                connection.setReadTimeout(10_000);
                try (InputStream in = connection.getResponseCode() == 200 ? connection.getInputStream() : null) {
                    if (in != null) {
                        String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                        if (body.contains("\"status\":\"green\"") || body.contains("\"status\":\"yellow\"")) {
                            return;
                        }
                    }
                } finally {
                    connection.disconnect();
                }
            } catch (IOException e) {
                last = e;
            }
            Thread.sleep(200);
        }
        throw new IOException("cluster health not yellow/green after " + START_TIMEOUT.toSeconds() + " s ("
                + last + "); its output:\n" + tail(log));
    }

    private static void stop(Process process, Path work) {
        try (OutputStream stdin = process.getOutputStream()) {
            stdin.flush();
        } catch (IOException ignored) {
            // closing stdin is the polite stop; the destroy below is the fallback
        }
        try {
            if (!process.waitFor(15, java.util.concurrent.TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        if (work != null) {
            deleteTree(work);
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException ignored) {
                    // best effort: a file still held open is left for the OS to reap
                }
            });
        } catch (IOException ignored) {
            // already gone
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }
}
