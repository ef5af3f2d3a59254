package io.tenantdb.testkit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ScratchDatabaseTest {

    private static final ServerEndpoint NOWHERE =
            new ServerEndpoint("postgresql", "127.0.0.1", 1, "postgres", "", "postgres", "local");

    @Test
    void refusesAHintThatIsNotASafeNamePart() {
        assertThatThrownBy(() -> ScratchDatabase.create(NOWHERE, "x\"; DROP DATABASE postgres; --"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[a-z][a-z0-9_]{0,19}");
        assertThatThrownBy(() -> ScratchDatabase.create(NOWHERE, "Upper"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesAnEndpointThatIsNotPostgresql() {
        ServerEndpoint redis = new ServerEndpoint("redis", "127.0.0.1", 6379, null, "", null, "local");
        assertThatThrownBy(() -> ScratchDatabase.create(redis))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("postgresql");
    }
}
