package io.tenantdb.clickhouse.internal;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LineSplitterTest {

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void linesSpanningChunksAndMultiByteCharactersAreJoined() {
        byte[] snowman = b("☃");
        List<String> lines = new ArrayList<>();
        LineSplitter.Sink sink = (bytes, offset, length) -> lines.add(new String(bytes, offset, length, StandardCharsets.UTF_8));
        LineSplitter splitter = new LineSplitter();
        for (byte[] chunk : List.of(b("{\"a\":1}\n{\"b\":\""), new byte[] {snowman[0]}, new byte[] {snowman[1], snowman[2]},
                b("\"}\n\n{\"c\":3}"))) {
            splitter.feed(chunk, sink);
        }
        splitter.finish(sink);
        assertThat(lines).containsExactly("{\"a\":1}", "{\"b\":\"☃\"}", "{\"c\":3}");
    }

    @Test
    void aLineLongerThanManyChunksArrivesWhole() {
        StringBuilder expected = new StringBuilder();
        List<String> lines = new ArrayList<>();
        LineSplitter.Sink sink = (bytes, offset, length) -> lines.add(new String(bytes, offset, length, StandardCharsets.UTF_8));
        LineSplitter splitter = new LineSplitter();
        for (int i = 0; i < 500; i++) {
            String part = "part" + i + ",";
            expected.append(part);
            splitter.feed(b(part), sink);
        }
        splitter.feed(b("\nnext\n"), sink);
        splitter.finish(sink);
        assertThat(lines).containsExactly(expected.toString(), "next");
    }
}
