package io.tenantdb.testkit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ServerEndpointTest {

    @Test
    void neverShowsThePassword() {
        ServerEndpoint endpoint = new ServerEndpoint("postgresql", "db", 5432, "app", "hunter2", "music", "local");

        assertThat(endpoint.toString()).isEqualTo("postgresql@db:5432 (local)").doesNotContain("hunter2");
        assertThat(endpoint.address()).isEqualTo("db:5432");
        assertThat(endpoint.httpUrl()).isEqualTo("http://db:5432");
    }
}
