package io.tenantdb.clickhouse.internal;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.tenantdb.core.session.Row;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class JsonEachRowDecoderTest {

    /** What rows held when each line was read into a map by Jackson databind: the decoder must give the same. */
    private static final ObjectReader MAP_READER = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).readerFor(LinkedHashMap.class);

    private static final List<String> LINES = List.of(
            "{\"id\":1,\"name\":\"a\",\"v\":0.3333333333333333}",
            "{\"id\":2147483648,\"name\":\"\\u00e9t\\u00e9 \\\"q\\\"\",\"v\":-1.5e-7}",
            "{\"id\":18446744073709551615,\"name\":\"☃ snow\",\"v\":1E+300}",
            "{\"id\":-7,\"name\":null,\"v\":0}",
            "{\"arr\":[1,[2.5,\"x\"],[],{\"k\":[null,true]}],\"flag\":false,\"map\":{\"a\":1,\"b\":{\"c\":\"d\"}}}",
            "{\"arr\":[],\"flag\":true,\"map\":{}}",
            "{}",
            "{\"dup\":1,\"other\":2,\"dup\":3}",
            "{\"id\":3,\"name\":\"back to the first columns\",\"v\":12345678901234567890.125}");

    private static List<Map<String, Object>> expected() throws Exception {
        List<Map<String, Object>> maps = new ArrayList<>();
        for (String line : LINES) {
            maps.add(MAP_READER.readValue(line));
        }
        return maps;
    }

    private static List<byte[]> chunked(String body, int size) {
        byte[] all = body.getBytes(StandardCharsets.UTF_8);
        List<byte[]> chunks = new ArrayList<>();
        for (int i = 0; i < all.length; i += size) {
            byte[] c = new byte[Math.min(size, all.length - i)];
            System.arraycopy(all, i, c, 0, c.length);
            chunks.add(c);
        }
        return chunks;
    }

    private static List<Map<String, Object>> decode(List<byte[]> chunks) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Row row : JsonEachRowDecoder.rows(Flux.fromIterable(chunks)).collectList().block(Duration.ofSeconds(10))) {
            Map<String, Object> m = new LinkedHashMap<>();
            for (int i = 0; i < row.columnNames().size(); i++) {
                m.put(row.columnNames().get(i), row.get(i));
            }
            rows.add(m);
        }
        return rows;
    }

    @Test
    void rowsHoldTheSameValuesAndTypesAsJacksonMapsWhateverTheChunking() throws Exception {
        List<Map<String, Object>> expected = expected();
        String body = String.join("\n", LINES) + "\n";
        for (int size : new int[] {1, 2, 3, 7, 64, body.length()}) {
            List<Map<String, Object>> rows = decode(chunked(body, size));
            assertThat(rows).as("chunks of %d bytes", size).isEqualTo(expected);
            for (int r = 0; r < rows.size(); r++) {
                for (Map.Entry<String, Object> e : expected.get(r).entrySet()) {
                    Object actual = rows.get(r).get(e.getKey());
                    assertThat(actual == null ? null : actual.getClass()).as("type of %s in row %d", e.getKey(), r)
                            .isEqualTo(e.getValue() == null ? null : e.getValue().getClass());
                }
            }
        }
        // no terminator after the last line, and CRLF line ends
        assertThat(decode(chunked(String.join("\r\n", LINES), 5))).isEqualTo(expected);
    }

    @Test
    void rowsWithTheSameColumnsShareTheirColumnList() {
        List<ClickHouseRow> rows = JsonEachRowDecoder.rows(Flux.just("{\"a\":1,\"b\":2}\n{\"a\":3,\"b\":4}\n{\"b\":5}\n"
                .getBytes(StandardCharsets.UTF_8))).collectList().block(Duration.ofSeconds(10));
        assertThat(rows.get(0).columnNames()).isSameAs(rows.get(1).columnNames()).containsExactly("a", "b");
        assertThat(rows.get(2).columnNames()).containsExactly("b");
        assertThat(rows.get(1).get("b", Long.class)).isEqualTo(4L);
    }

    @Test
    void anErrorWrittenMidStreamComesAfterTheRowsBeforeIt() {
        byte[] body = ("{\"n\":1}\n{\"n\":2}\nCode: 241, e.displayText() = DB::Exception: Memory limit exceeded\n{\"n\":3}\n")
                .getBytes(StandardCharsets.UTF_8);
        StepVerifier.create(JsonEachRowDecoder.rows(Flux.just(body)).map(r -> r.get("n", Integer.class)))
                .expectNext(1, 2)
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(ClickHouseServerException.class)
                        .hasMessageContaining("Memory limit exceeded")
                        .satisfies(x -> assertThat(((ClickHouseServerException) x).code()).isEqualTo(241)))
                .verify(Duration.ofSeconds(5));
        StepVerifier.create(JsonEachRowDecoder.rows(Flux.just("{\"n\":1}\n{\"n\":\n".getBytes(StandardCharsets.UTF_8))))
                .expectNextCount(1)
                .expectErrorSatisfies(e -> assertThat(e).hasMessageContaining("not JSON"))
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void chunksAreRequestedOnlyAsRowsAreConsumed() {
        AtomicLong requested = new AtomicLong();
        Flux<byte[]> chunks = Flux.range(0, 1_000_000)
                .map(i -> ("{\"n\":" + i + "}\n{\"n\":" + i + "}\n").getBytes(StandardCharsets.UTF_8))
                .doOnRequest(requested::addAndGet);
        StepVerifier.create(JsonEachRowDecoder.rows(chunks), 0)
                .thenRequest(3)
                .expectNextCount(3)
                .then(() -> assertThat(requested.get()).isLessThan(10))
                .thenCancel()
                .verify(Duration.ofSeconds(5));
    }
}
