package io.tenantdb.elasticsearch.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.exception.IsolationViolationException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class QueryGuardTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TenantId TENANT = TenantId.of("acme");

    private static ObjectNode json(String text) throws Exception {
        return (ObjectNode) JSON.readTree(text);
    }

    @Test
    void ordinaryQueriesPass() throws Exception {
        for (String q : List.of("{\"match\":{\"title\":\"x\"}}", "{\"terms\":{\"genre\":[\"jazz\",\"rock\"]}}",
                "{\"bool\":{\"must\":[{\"range\":{\"n\":{\"gte\":1}}}],\"filter\":[{\"exists\":{\"field\":\"x\"}}]}}",
                "{\"match\":{\"index\":\"a field called index\"}}", "{\"nested\":{\"path\":\"p\",\"query\":"
                        + "{\"match_all\":{}}}}")) {
            assertThat(QueryGuard.checkQuery(json(q), TENANT)).as(q).isEqualTo(json(q));
        }
        assertThat(QueryGuard.checkQuery(null, TENANT)).isEqualTo(json("{\"match_all\":{}}"));
    }

    @Test
    void lookupsScriptsAndIndexReferencesAreRefused() throws Exception {
        for (String q : List.of(
                "{\"terms\":{\"n\":{\"index\":\"other\",\"id\":\"1\",\"path\":\"n\"}}}",
                "{\"bool\":{\"must\":[{\"terms\":{\"n\":{\"id\":\"1\",\"path\":\"n\"}}}]}}",
                "{\"term\":{\"_index\":\"other\"}}",
                "{\"wrapper\":{\"query\":\"e30=\"}}",
                "{\"script\":{\"script\":\"true\"}}",
                "{\"function_score\":{\"functions\":[{\"script_score\":{\"script\":\"1\"}}]}}",
                "{\"terms_set\":{\"x\":{\"terms\":[\"a\"],\"minimum_should_match_script\":{\"source\":\"1\"}}}}",
                "{\"more_like_this\":{\"like\":\"text\"}}",
                "{\"percolate\":{\"field\":\"q\",\"index\":\"other\",\"id\":\"1\"}}",
                "{\"geo_shape\":{\"l\":{\"indexed_shape\":{\"index\":\"other\",\"id\":\"1\"}}}}",
                "{\"term\":{\"tenant_id\":\"other\"}}")) {
            assertThatThrownBy(() -> QueryGuard.checkQuery(json(q), TENANT)).as(q)
                    .isInstanceOf(IsolationViolationException.class).hasMessageContaining("tenant=acme");
        }
    }

    @Test
    void absurdlyDeepQueriesAreRefused() throws Exception {
        String deep = "{\"bool\":{\"must\":[".repeat(40) + "{\"match_all\":{}}" + "]}}".repeat(40);
        assertThatThrownBy(() -> QueryGuard.checkQuery(json(deep), TENANT))
                .isInstanceOf(IsolationViolationException.class).hasMessageContaining("deeper");
    }

    @Test
    void theTenantFilterIsAFilterBesideTheCallersQuery() throws Exception {
        ObjectNode wrapped = QueryGuard.tenantFiltered(json("{\"match_all\":{}}"), TENANT);
        assertThat(wrapped).isEqualTo(json("{\"bool\":{\"filter\":[{\"term\":{\"tenant_id\":\"acme\"}}],"
                + "\"must\":[{\"match_all\":{}}]}}"));
    }

    @Test
    void documentsMayNotSetTheTenantOrMetadataFields() throws Exception {
        assertThatThrownBy(() -> QueryGuard.checkDocument(json("{\"tenant_id\":\"x\"}"), TENANT))
                .isInstanceOf(IsolationViolationException.class).hasMessageContaining("tenant_id");
        assertThatThrownBy(() -> QueryGuard.checkDocument(json("{\"_index\":\"x\"}"), TENANT))
                .isInstanceOf(IsolationViolationException.class);
        assertThatThrownBy(() -> QueryGuard.checkDocument(null, TENANT))
                .isInstanceOf(IsolationViolationException.class);
        assertThat(QueryGuard.checkDocument(json("{\"title\":\"x\",\"nested\":{\"tenant\":1}}"), TENANT)).isNotNull();
        assertThatThrownBy(() -> QueryGuard.checkId("", TENANT)).isInstanceOf(IsolationViolationException.class);
    }
}
