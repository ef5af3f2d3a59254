package io.tenantdb.mongodb.internal;

import com.mongodb.MongoCommandException;
import com.mongodb.MongoException;
import com.mongodb.MongoSocketOpenException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.MongoWriteException;
import com.mongodb.ServerAddress;
import com.mongodb.WriteError;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.exception.DataAccessException;
import io.tenantdb.core.exception.DataIntegrityException;
import io.tenantdb.core.exception.EngineUnavailableException;
import io.tenantdb.core.exception.IsolationViolationException;
import io.tenantdb.core.exception.OperationTimeoutException;
import io.tenantdb.core.exception.TenantDbException;
import io.tenantdb.core.exception.TransientDataAccessException;
import io.tenantdb.core.exception.UnsupportedFeatureException;
import org.bson.BsonDocument;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class MongoErrorsTest {

    private static final TenantId T = TenantId.of("acme");
    private static final ServerAddress SERVER = new ServerAddress("db", 27017);

    private static MongoCommandException command(int code, String message) {
        return new MongoCommandException(BsonDocument.parse("{ok: 0, code: " + code + ", errmsg: '" + message + "'}"), SERVER);
    }

    @Test
    void duplicateKeyIsADataIntegrityErrorNamingTenantAndEngine() {
        MongoWriteException dup = new MongoWriteException(new WriteError(11000, "E11000 duplicate key", new BsonDocument()),
                SERVER, Set.of());
        Throwable mapped = MongoErrors.map(dup, T, "insert");
        assertThat(mapped).isInstanceOf(DataIntegrityException.class).hasCause(dup)
                .hasMessageContaining("tenant=acme").hasMessageContaining("engine=mongodb").hasMessageContaining("insert");
        assertThat(((TenantDbException) mapped).isTransient()).isFalse();
        assertThat(MongoErrors.map(command(11000, "dup"), T, "update")).isInstanceOf(DataIntegrityException.class);
    }

    @Test
    void networkElectionsAndTimeoutsAreTransient() {
        assertThat(MongoErrors.map(new MongoSocketOpenException("refused", SERVER, new IOException()), T, "find"))
                .isInstanceOf(EngineUnavailableException.class);
        assertThat(MongoErrors.map(new MongoTimeoutException("no server"), T, "find"))
                .isInstanceOf(EngineUnavailableException.class);
        assertThat(MongoErrors.map(command(189, "stepped down"), T, "find")).isInstanceOf(TransientDataAccessException.class);
        assertThat(MongoErrors.map(command(50, "time limit"), T, "find")).isInstanceOf(OperationTimeoutException.class);
        MongoException labelled = command(251, "no such transaction");
        labelled.addLabel(MongoException.TRANSIENT_TRANSACTION_ERROR_LABEL);
        Throwable mapped = MongoErrors.map(labelled, T, "transaction");
        assertThat(((TenantDbException) mapped).isTransient()).isTrue();
    }

    @Test
    void otherServerErrorsAreNonTransientAndTenantDbErrorsPassThrough() {
        assertThat(MongoErrors.map(command(2, "bad value"), T, "find")).isInstanceOf(DataAccessException.class)
                .hasMessageContaining("bad value").hasMessageContaining("code 2");
        assertThat(MongoErrors.map(command(40324, "Unrecognized pipeline stage"), T, "aggregate"))
                .isInstanceOf(UnsupportedFeatureException.class);
        IsolationViolationException own = new IsolationViolationException("x", T, null, null);
        assertThat(MongoErrors.map(own, T, "find")).isSameAs(own);
    }
}
