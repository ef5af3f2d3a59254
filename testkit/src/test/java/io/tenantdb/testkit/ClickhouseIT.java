package io.tenantdb.testkit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** A real query over ClickHouse's HTTP interface on 127.0.0.1:8123. */
@ExtendWith(TestServersExtension.class)
class ClickhouseIT {

    @Test
    void selectOne(@Server(ServerKind.CLICKHOUSE) ServerEndpoint clickhouse) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(clickhouse.httpUrl() + "/?user=" + clickhouse.user()))
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString("SELECT 1 + 1", StandardCharsets.UTF_8))
                .build();

        StepVerifier.create(Mono.fromCompletionStage(() -> http.sendAsync(request,
                        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))))
                .assertNext(response -> {
                    assertThat(response.statusCode()).isEqualTo(200);
                    assertThat(response.body().trim()).isEqualTo("2");
                })
                .verifyComplete();
    }
}
