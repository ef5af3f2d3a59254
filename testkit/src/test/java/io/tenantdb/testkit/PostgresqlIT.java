package io.tenantdb.testkit;

import io.r2dbc.postgresql.PostgresqlConnectionConfiguration;
import io.r2dbc.postgresql.PostgresqlConnectionFactory;
import io.r2dbc.postgresql.api.PostgresqlConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/** A real round trip through r2dbc-postgresql on the testkit's PostgreSQL, local or embedded. */
@ExtendWith(TestServersExtension.class)
class PostgresqlIT {

    private static final List<String> SCRATCH_NAMES = new ArrayList<>();
    private static ScratchDatabase perClass;

    /** A scratch database resolved for {@code @BeforeAll} lives until the class is done. */
    @BeforeAll
    static void provision(ScratchDatabase scratch) {
        perClass = scratch;
        StepVerifier.create(using(scratch.endpoint(),
                        c -> execute(c, "CREATE TABLE shared (n int)").thenMany(Flux.<String>empty())))
                .verifyComplete();
    }

    @Test
    void aScratchDatabaseFromBeforeAllOutlivesEachTest() {
        StepVerifier.create(using(perClass.endpoint(), c -> query(c, "SELECT count(*)::text FROM shared")))
                .expectNext("0")
                .verifyComplete();
    }

    @Test
    void createsInsertsAndSelectsInAScratchDatabase(@Server(ServerKind.POSTGRESQL) ServerEndpoint postgresql,
                                                    ScratchDatabase scratch) {
        SCRATCH_NAMES.add(scratch.name());
        assertThat(scratch.admin()).isEqualTo(postgresql);
        assertThat(scratch.endpoint().user()).isEqualTo(scratch.name());
        assertThat(scratch.endpoint().database()).isEqualTo(scratch.name());

        StepVerifier.create(roundTrip(scratch.endpoint()))
                .expectNext("alpha:1", "beta:2")
                .verifyComplete();
    }

    @Test
    void theScratchRoleIsNotASuperuserButMayCreateDatabases(ScratchDatabase scratch) {
        SCRATCH_NAMES.add(scratch.name());
        String tenantDatabase = scratch.name() + "_tenant_a";

        StepVerifier.create(using(scratch.endpoint(), c -> query(c, "SELECT rolsuper::text || ',' || rolcreatedb::text"
                        + " FROM pg_roles WHERE rolname = current_user")))
                .expectNext("false,true")
                .verifyComplete();
        // a database the test makes (e.g. one per tenant) is owned by the scratch role and dropped with it
        StepVerifier.create(ScratchDatabase.execute(scratch.endpoint(), scratch.name(),
                        "CREATE DATABASE \"" + tenantDatabase + "\""))
                .verifyComplete();
        SCRATCH_NAMES.add(tenantDatabase);
    }

    @Test
    void twoScratchDatabasesAreDistinct(ScratchDatabase first, ScratchDatabase second) {
        SCRATCH_NAMES.add(first.name());
        SCRATCH_NAMES.add(second.name());
        assertThat(first.name()).startsWith(ScratchDatabase.NAME_PREFIX).isNotEqualTo(second.name());
    }

    @AfterAll
    static void everyScratchDatabaseAndRoleWasDropped() {
        assertThat(SCRATCH_NAMES).isNotEmpty();
        List<String> left = using(TestServers.postgresql(), c -> query(c,
                "SELECT datname FROM pg_database UNION ALL SELECT rolname FROM pg_roles"))
                .filter(SCRATCH_NAMES::contains)
                .collectList()
                .block();
        assertThat(left).as("scratch databases and roles left after the tests").isEmpty();
    }

    static Flux<String> roundTrip(ServerEndpoint endpoint) {
        return using(endpoint, c -> execute(c, "CREATE TABLE song (title text PRIMARY KEY, plays int NOT NULL)")
                .then(execute(c, "INSERT INTO song VALUES ('beta', 2), ('alpha', 1)"))
                .thenMany(query(c, "SELECT title || ':' || plays FROM song ORDER BY title")));
    }

    static Flux<String> using(ServerEndpoint endpoint, Function<PostgresqlConnection, Flux<String>> work) {
        PostgresqlConnectionConfiguration.Builder configuration = PostgresqlConnectionConfiguration.builder()
                .host(endpoint.host())
                .port(endpoint.port())
                .username(endpoint.user())
                .database(endpoint.database());
        if (!endpoint.password().isEmpty()) {
            configuration.password(endpoint.password());
        }
        return Flux.usingWhen(new PostgresqlConnectionFactory(configuration.build()).create(), work,
                PostgresqlConnection::close);
    }

    static Mono<Void> execute(PostgresqlConnection connection, String sql) {
        return connection.createStatement(sql).execute().flatMap(r -> r.getRowsUpdated()).then();
    }

    static Flux<String> query(PostgresqlConnection connection, String sql) {
        return connection.createStatement(sql).execute()
                .flatMap(r -> r.map((row, meta) -> row.get(0, String.class)));
    }
}
