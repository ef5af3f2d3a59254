package io.tenantdb.clickhouse.internal;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClickHouseRowTest {

    private static ClickHouseRow row() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", 7);
        m.put("price", new BigDecimal("1.2500"));
        m.put("day", "2024-02-29");
        m.put("at", "2024-02-29 23:59:58");
        m.put("uid", "123e4567-e89b-12d3-a456-426614174000");
        m.put("tags", List.of("a", "b"));
        m.put("flag", 1);
        m.put("none", null);
        return new ClickHouseRow(m);
    }

    @Test
    void columnsKeepTheirOrderAndValuesConvert() {
        ClickHouseRow r = row();
        assertThat(r.columnNames()).containsExactly("id", "price", "day", "at", "uid", "tags", "flag", "none");
        assertThat(r.get("id", Long.class)).isEqualTo(7L);
        assertThat(r.get(1, Double.class)).isEqualTo(1.25);
        assertThat(r.get("price", String.class)).isEqualTo("1.2500");
        assertThat(r.get("day", LocalDate.class)).isEqualTo(LocalDate.of(2024, 2, 29));
        assertThat(r.get("at", LocalDateTime.class)).isEqualTo(LocalDateTime.of(2024, 2, 29, 23, 59, 58));
        assertThat(r.get("uid", UUID.class)).isEqualTo(UUID.fromString("123e4567-e89b-12d3-a456-426614174000"));
        assertThat(r.get("tags")).isEqualTo(List.of("a", "b"));
        assertThat(r.get("flag", Boolean.class)).isTrue();
        assertThat(r.get("none", String.class)).isNull();
        assertThat(r.toMap()).containsEntry("id", 7).containsKey("none");
    }

    @Test
    void impossibleConversionsAndUnknownColumnsSayWhich() {
        assertThatThrownBy(() -> row().get("day", Long.class)).hasMessageContaining("'day'").hasMessageContaining("Long");
        assertThatThrownBy(() -> row().get("nope")).hasMessageContaining("nope");
        assertThatThrownBy(() -> row().get(99)).isInstanceOf(IndexOutOfBoundsException.class);
    }
}
