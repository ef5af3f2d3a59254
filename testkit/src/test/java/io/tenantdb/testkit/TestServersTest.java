package io.tenantdb.testkit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TestServersTest {

    private static final String KIND = "unit";

    @AfterEach
    void clearMode() {
        System.clearProperty(TestServers.MODE_PROPERTY_PREFIX + KIND);
    }

    @Test
    void modeDefaultsToAuto() {
        assertThat(TestServers.mode(KIND)).isEqualTo(TestServers.Mode.AUTO);
    }

    @Test
    void modeIsReadFromTheSystemPropertyIgnoringCase() {
        System.setProperty(TestServers.MODE_PROPERTY_PREFIX + KIND, " Embedded ");
        assertThat(TestServers.mode(KIND)).isEqualTo(TestServers.Mode.EMBEDDED);
        System.setProperty(TestServers.MODE_PROPERTY_PREFIX + KIND, "local");
        assertThat(TestServers.mode(KIND)).isEqualTo(TestServers.Mode.LOCAL);
    }

    @Test
    void anUnknownModeSaysWhichValuesWork() {
        System.setProperty(TestServers.MODE_PROPERTY_PREFIX + KIND, "docker");
        assertThatThrownBy(() -> TestServers.mode(KIND))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tenantdb.testkit.unit=docker")
                .hasMessageContaining("auto, local or embedded");
    }

    @Test
    void aServerIsStartedOncePerJvm() {
        AtomicInteger starts = new AtomicInteger();
        ServerEndpoint endpoint = new ServerEndpoint(KIND, "127.0.0.1", 1, null, "", null, "embedded");
        String kind = "once-" + System.nanoTime();

        assertThat(TestServers.once(kind, () -> {
            starts.incrementAndGet();
            return endpoint;
        })).isSameAs(endpoint);
        assertThat(TestServers.once(kind, () -> {
            starts.incrementAndGet();
            return endpoint;
        })).isSameAs(endpoint);
        assertThat(starts).hasValue(1);
    }

    @Test
    void anUnavailableServerGivesEveryTestTheSameVerdictWithoutRetrying() {
        AtomicInteger starts = new AtomicInteger();
        String kind = "failing-" + System.nanoTime();
        Runnable ask = () -> TestServers.once(kind, () -> {
            starts.incrementAndGet();
            return TestServers.unavailable(kind, "start it with: make it so");
        });

        Class<? extends RuntimeException> expected = TestServers.ci()
                ? IllegalStateException.class : TestAbortedException.class;
        assertThatThrownBy(ask::run).isInstanceOf(expected).hasMessageContaining("start it with: make it so");
        assertThatThrownBy(ask::run).isInstanceOf(expected).hasMessageContaining("start it with: make it so");
        assertThat(starts).hasValue(1);
    }

    @Test
    void freePortIsBindable() {
        int port = TestServers.freePort();
        assertThat(port).isBetween(1024, 65535);
        assertThat(TestServers.answers("127.0.0.1", port)).isFalse();
    }
}
