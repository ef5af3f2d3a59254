package io.tenantdb.tenancy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The failover test bed made by {@code scripts/services.d/50-postgresql-ha.sh}: ha1 primary on 5433,
 * ha2 standby on 5434. Commands run as root through {@code pg_ctlcluster}. Test threads only.
 */
final class HaPair {

    static final int PRIMARY_PORT = 5433;
    static final int STANDBY_PORT = 5434;
    static final Path SCRIPT = Path.of("..", "scripts", "services.d", "50-postgresql-ha.sh").toAbsolutePath().normalize();

    private HaPair() {
    }

    /** Creates or repairs the pair; a healthy pair is left alone. */
    static void ensureHealthy() {
        run(List.of("bash", SCRIPT.toString()), 180);
    }

    /** Restores ha1 primary / ha2 standby after a test promoted ha2. */
    static void rebuild() {
        run(List.of("bash", SCRIPT.toString(), "rebuild"), 180);
    }

    /** Kills the primary: no shutdown checkpoint, connections dropped. */
    static void killPrimary() {
        run(List.of("pg_ctlcluster", "15", "ha1", "stop", "-m", "immediate"), 60);
    }

    /** Promotes the standby. */
    static void promoteStandby() {
        run(List.of("pg_ctlcluster", "15", "ha2", "promote"), 60);
    }

    static String run(List<String> command, int seconds) {
        try {
            Path out = Files.createTempFile("ha", ".log");
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(command + " did not finish in " + seconds + " s");
            }
            String text = Files.readString(out, StandardCharsets.UTF_8);
            Files.deleteIfExists(out);
            if (p.exitValue() != 0) {
                throw new IllegalStateException(command + " failed (" + p.exitValue() + "): " + text);
            }
            return text;
        } catch (IOException e) {
            throw new IllegalStateException(command + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(command + " interrupted", e);
        }
    }
}
