package io.tenantdb.clickhouse.internal;

import io.tenantdb.clickhouse.QuerySettings;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class QuerySettingsTest {

    @Test
    void settingsAreImmutableAndChecked() {
        QuerySettings s = QuerySettings.NONE.maxExecutionTime(Duration.ofSeconds(3)).queryId("report-1").setting("max_threads", "2");
        assertThat(QuerySettings.NONE.settings()).isEmpty();
        assertThat(s.maxExecutionTime()).isEqualTo(Duration.ofSeconds(3));
        assertThat(s.queryId()).isEqualTo("report-1");
        assertThat(s.settings()).containsEntry("max_threads", "2");
    }

    @Test
    void tenantdbOwnedOrMalformedSettingsAreRefused() {
        assertThatThrownBy(() -> QuerySettings.NONE.setting("database", "other")).hasMessageContaining("set by tenantdb");
        assertThatThrownBy(() -> QuerySettings.NONE.setting("readonly", "0")).hasMessageContaining("set by tenantdb");
        assertThatThrownBy(() -> QuerySettings.NONE.setting("param_x", "1")).hasMessageContaining("set by tenantdb");
        assertThatThrownBy(() -> QuerySettings.NONE.setting("max_execution_time", "1")).hasMessageContaining("maxExecutionTime");
        assertThatThrownBy(() -> QuerySettings.NONE.setting("a&database=x", "1")).hasMessageContaining("lower-case");
        assertThatThrownBy(() -> QuerySettings.NONE.queryId("x' OR 1")).hasMessageContaining("queryId");
        assertThatThrownBy(() -> QuerySettings.NONE.maxExecutionTime(Duration.ZERO)).hasMessageContaining("> 0");
    }
}
