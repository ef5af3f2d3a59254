package io.tenantdb.testkit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fallback path: run by the {@code embedded} failsafe execution with
 * {@code -Dtenantdb.testkit.postgresql=embedded}, so the local server is ignored and real PostgreSQL
 * binaries start in its stead.
 */
@ExtendWith(TestServersExtension.class)
class PostgresqlEmbeddedIT {

    @Test
    void embeddedBinariesServeARoundTrip(@Server(ServerKind.POSTGRESQL) ServerEndpoint postgresql,
                                         ScratchDatabase scratch) {
        assertThat(TestServers.mode("postgresql")).isEqualTo(TestServers.Mode.EMBEDDED);
        assertThat(postgresql.origin()).isEqualTo("embedded");
        assertThat(postgresql.port()).isNotEqualTo(5432);

        StepVerifier.create(PostgresqlIT.using(postgresql, c -> PostgresqlIT.query(c, "SHOW server_version")))
                .assertNext(version -> assertThat(version).startsWith("17."))
                .verifyComplete();
        StepVerifier.create(PostgresqlIT.roundTrip(scratch.endpoint()))
                .expectNext("alpha:1", "beta:2")
                .verifyComplete();
    }
}
