package io.tenantdb.clickhouse.internal;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tenantdb.core.session.Statement;
import io.tenantdb.testkit.ServerEndpoint;
import io.tenantdb.testkit.TestServers;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The escape function against the real server's lexer: whatever string is rendered comes back
 * byte for byte, and never as SQL.
 */
class ClickHouseLiteralsIT {

    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private final HttpClient http = HttpClient.newHttpClient();

    private Map<String, Object> select(String expressions) throws IOException, InterruptedException {
        ServerEndpoint server = TestServers.clickhouse();
        HttpRequest request = HttpRequest.newBuilder(URI.create(server.httpUrl()
                        + "/?default_format=JSONEachRow&output_format_json_quote_64bit_integers=0"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(ClickHouseLiterals.utf8("SELECT " + expressions))).build();
        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).as(new String(response.body())).isEqualTo(200);
        @SuppressWarnings("unchecked")
        Map<String, Object> row = JSON.readValue(response.body(), Map.class);
        return row;
    }

    @Test
    void trickyStringsComeBackExactly() throws Exception {
        List<String> values = new ArrayList<>(List.of("", "'", "''", "\\", "\\'", "'\\", "\\\\'", "a'); DROP TABLE x; --",
                "' OR 1=1 --", "\0", "a\0b", "\n\r\t\b\f", "\u0001\u001f\u007f", "`", "\"", "{table:x}", "$1", ":name",
                "/* c */", "-- c", "日本語 ✓ 🎵", "\u00e9\u0301", "\\x41", "\\0", "%27", "?"));
        Random random = new Random(42);
        for (int n = 0; n < 200; n++) {
            StringBuilder b = new StringBuilder();
            int len = random.nextInt(20);
            for (int i = 0; i < len; i++) {
                int pick = random.nextInt(4);
                b.appendCodePoint(pick == 0 ? random.nextInt(0x80) : pick == 1 ? "'\\`\"\0\n".charAt(random.nextInt(6))
                        : pick == 2 ? 0x80 + random.nextInt(0xD000) : 0x1F300 + random.nextInt(0x100));
            }
            values.add(b.toString());
        }
        StringBuilder sql = new StringBuilder();
        for (int i = 0; i < values.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append(ClickHouseLiterals.literal(values.get(i))).append(" AS c").append(i);
        }
        Map<String, Object> row = select(sql.toString());
        for (int i = 0; i < values.size(); i++) {
            assertThat(row.get("c" + i)).as("value %d", i).isEqualTo(values.get(i));
        }
    }

    @Test
    void identifiersComeBackExactly() throws Exception {
        List<String> names = List.of("plain", "with space", "back`tick", "back\\slash", "quote'", "日本", "a.b", "$x");
        StringBuilder sql = new StringBuilder();
        for (int i = 0; i < names.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append(i).append(" AS ").append(ClickHouseLiterals.identifier(names.get(i)));
        }
        assertThat(select(sql.toString()).keySet()).containsExactlyElementsOf(names);
    }

    @Test
    void typedValuesKeepTheirValue() throws Exception {
        UUID uuid = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");
        Map<String, Object> row = select(String.join(", ",
                ClickHouseLiterals.literal(Long.MAX_VALUE) + " AS max",
                ClickHouseLiterals.literal(Long.MIN_VALUE + 1) + " AS min",
                ClickHouseLiterals.literal(new BigDecimal("12345.6789")) + " AS dec",
                ClickHouseLiterals.literal(1.5d) + " AS dbl",
                ClickHouseLiterals.literal(true) + " AS yes",
                "toString(" + ClickHouseLiterals.literal(LocalDate.of(2024, 2, 29)) + ") AS day",
                "toString(" + ClickHouseLiterals.literal(LocalDateTime.of(2024, 2, 29, 23, 59, 58)) + ") AS ts",
                "toString(" + ClickHouseLiterals.literal(uuid) + ") AS id",
                ClickHouseLiterals.literal(List.of("a'b", "c\\d")) + " AS arr",
                "hex(" + ClickHouseLiterals.literal(new byte[] {0, (byte) 0xff, '\'', '\\'}) + ") AS bytes",
                "isNull(" + ClickHouseLiterals.literal(new Statement.Null(String.class)) + ") AS nul"));
        assertThat(row.get("max")).isEqualTo(Long.MAX_VALUE);
        assertThat(((Number) row.get("min")).longValue()).isEqualTo(Long.MIN_VALUE + 1);
        assertThat(new BigDecimal(row.get("dec").toString())).isEqualByComparingTo("12345.6789");
        assertThat(new BigDecimal(row.get("dbl").toString())).isEqualByComparingTo("1.5");
        assertThat(row.get("yes")).isEqualTo(1);
        assertThat(row.get("day")).isEqualTo("2024-02-29");
        assertThat(row.get("ts")).isEqualTo("2024-02-29 23:59:58");
        assertThat(row.get("id")).isEqualTo(uuid.toString());
        assertThat(row.get("arr")).isEqualTo(List.of("a'b", "c\\d"));
        assertThat(row.get("bytes")).isEqualTo("00FF275C");
        assertThat(row.get("nul")).isEqualTo(1);
    }
}
