package io.tenantdb.testkit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InProcessMongoTest {

    @Test
    void anExternalUriGivesHostPortCredentialsAndDatabase() {
        ServerEndpoint endpoint = InProcessMongo.external("mongodb://app%40x:s%3Acret@db.example:27018/music");

        assertThat(endpoint.kind()).isEqualTo("mongodb");
        assertThat(endpoint.host()).isEqualTo("db.example");
        assertThat(endpoint.port()).isEqualTo(27018);
        assertThat(endpoint.user()).isEqualTo("app@x");
        assertThat(endpoint.password()).isEqualTo("s:cret");
        assertThat(endpoint.database()).isEqualTo("music");
        assertThat(endpoint.origin()).isEqualTo("external");
        assertThat(endpoint.toString()).doesNotContain("s:cret");
    }

    @Test
    void anExternalUriWithoutPortOrCredentialsUsesTheDefaults() {
        ServerEndpoint endpoint = InProcessMongo.external("mongodb://localhost");

        assertThat(endpoint.port()).isEqualTo(27017);
        assertThat(endpoint.user()).isNull();
        assertThat(endpoint.password()).isEmpty();
        assertThat(endpoint.database()).isNull();
    }

    @Test
    void aBadUriIsRefusedWithoutEchoingIt() {
        assertThatThrownBy(() -> InProcessMongo.external("mongodb+srv://u:topsecret@cluster0"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(InProcessMongo.URI_VARIABLE)
                .hasMessageNotContaining("topsecret");
        assertThatThrownBy(() -> InProcessMongo.external("mongodb://u:topsecret@a:1,b:2/x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("topsecret");
    }
}
