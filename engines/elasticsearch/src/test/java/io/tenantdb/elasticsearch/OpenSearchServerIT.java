package io.tenantdb.elasticsearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.tenantdb.testkit.ServerEndpoint;
import io.tenantdb.testkit.TestServers;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The testkit's OpenSearch child JVM answers real REST calls made through Reactor Netty. */
class OpenSearchServerIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void indexesAndFindsADocumentThroughReactorNetty() throws Exception {
        ServerEndpoint endpoint = TestServers.opensearch();
        HttpClient http = HttpClient.create().baseUrl(endpoint.httpUrl())
                .headers(h -> h.set(HttpHeaderNames.CONTENT_TYPE, "application/json"));

        JsonNode put = call(http.put().uri("/testkit_roundtrip/_doc/1?refresh=true")
                .send(ByteBufFlux.fromString(Mono.just("{\"title\":\"kind of blue\"}"))));
        assertThat(put.path("result").asText()).isIn("created", "updated");

        JsonNode found = call(http.post().uri("/testkit_roundtrip/_search")
                .send(ByteBufFlux.fromString(Mono.just("{\"query\":{\"match\":{\"title\":\"blue\"}}}"))));
        assertThat(found.path("hits").path("hits")).hasSize(1);
        assertThat(found.path("hits").path("hits").get(0).path("_source").path("title").asText())
                .isEqualTo("kind of blue");

        JsonNode deleted = call(http.delete().uri("/testkit_roundtrip"));
        assertThat(deleted.path("acknowledged").asBoolean()).isTrue();
        assertThat(TestServers.opensearch()).as("one node per test JVM").isSameAs(endpoint);
    }

    private static JsonNode call(HttpClient.ResponseReceiver<?> request) throws Exception {
        String body = request.responseSingle((response, content) -> content.asString().defaultIfEmpty(""))
                .block(Duration.ofSeconds(30));
        return JSON.readTree(body);
    }
}
