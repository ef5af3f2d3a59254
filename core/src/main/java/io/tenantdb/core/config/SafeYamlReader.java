package io.tenantdb.core.config;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.exception.ConfigException;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.CollectionStartEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.ScalarEvent;
import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.parser.Parser;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.ReaderException;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads one YAML configuration file into a {@link TreeValue.Mapping}, safely: it works on the
 * parser's event stream, so nothing is ever constructed from a tag, no alias is ever expanded and
 * every value keeps its line and column.
 *
 * <p>Refused, each with file, line and column: documents over {@link ConfigLoader#MAX_DOCUMENT_BYTES}
 * (the file is never read further than that), nesting deeper than {@link ConfigLoader#MAX_NESTING_DEPTH},
 * aliases ({@code *name}: the billion-laughs attack needs them, configuration layers do not),
 * explicit tags ({@code !!java.net.URL}, {@code !custom}), keys that are not plain strings (numbers,
 * booleans, null, merge keys {@code <<}, complex keys), duplicate keys, several documents in one
 * file, a top level that is not a mapping, invalid UTF-8 and YAML syntax errors. Messages never
 * quote the document's text, so a secret on a broken line is not echoed.
 */
final class SafeYamlReader {

    private static final Resolver RESOLVER = new Resolver();
    /** Most values in one file: bounds memory for a megabyte of {@code [1,1,1,...]}. */
    static final int MAX_NODES = 100_000;

    private final String file;
    private final DatabaseType engine;
    private Parser parser;
    private Event last;
    private int nodes;

    private SafeYamlReader(String file, DatabaseType engine) {
        this.file = file;
        this.engine = engine;
    }

    /**
     * Reads and parses a file.
     *
     * @param path   the file
     * @param engine the engine, for messages
     * @return the top-level mapping (empty for an empty file)
     */
    static TreeValue.Mapping read(Path path, DatabaseType engine) {
        String file = path.toString();
        return parse(file, readBounded(path, file, engine), engine);
    }

    /**
     * Parses text.
     *
     * @param file   the name used in messages
     * @param text   the YAML text
     * @param engine the engine, for messages
     * @return the top-level mapping (empty for an empty document)
     */
    static TreeValue.Mapping parse(String file, String text, DatabaseType engine) {
        if (text.length() > ConfigLoader.MAX_DOCUMENT_BYTES) {
            throw new ConfigException(position(file, text, ConfigLoader.MAX_DOCUMENT_BYTES)
                    + ": the document is longer than " + ConfigLoader.MAX_DOCUMENT_BYTES
                    + " characters: split it or remove what is not configuration", engine, null);
        }
        return new SafeYamlReader(file, engine).parseDocument(text);
    }

    private static String readBounded(Path path, String file, DatabaseType engine) {
        int limit = ConfigLoader.MAX_DOCUMENT_BYTES;
        byte[] bytes;
        try (InputStream in = Files.newInputStream(path)) {
            bytes = in.readNBytes(limit + 1);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": file not found", engine, null);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getClass().getSimpleName(), engine, e);
        }
        if (bytes.length > limit) {
            String prefix = new String(bytes, 0, limit, StandardCharsets.UTF_8);
            throw new ConfigException(position(file, prefix, prefix.length()) + ": the file is larger than " + limit
                    + " bytes (1 MiB): it was not read further; split it or remove what is not configuration",
                    engine, null);
        }
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
            return text.startsWith("\uFEFF") ? text.substring(1) : text;
        } catch (CharacterCodingException e) {
            throw new ConfigException(file + ":1:1: the file is not valid UTF-8: save it as UTF-8", engine, null);
        }
    }

    /** @return {@code file:line:column} of the character at {@code index} of {@code text} */
    private static String position(String file, String text, int index) {
        int line = 1;
        int column = 1;
        for (int i = 0; i < index && i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
        }
        return file + ":" + line + ":" + column;
    }

    private TreeValue.Mapping parseDocument(String text) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(0);
        options.setAllowRecursiveKeys(false);
        options.setNestingDepthLimit(ConfigLoader.MAX_NESTING_DEPTH + 1);
        options.setCodePointLimit(ConfigLoader.MAX_DOCUMENT_BYTES);
        options.setProcessComments(false);
        try {
            parser = new ParserImpl(new StreamReader(text), options);
            next(); // stream start
            if (parser.peekEvent().is(Event.ID.StreamEnd)) {
                return new TreeValue.Mapping(Map.of(), Origin.startOf(file));
            }
            next(); // document start
            TreeValue root = node(1);
            next(); // document end
            Event after = next();
            if (!after.is(Event.ID.StreamEnd)) {
                throw refuse(after.getStartMark(), "a configuration file holds one YAML document: remove the second '---'");
            }
            if (root instanceof TreeValue.Scalar && ((TreeValue.Scalar) root).isNull()) {
                return new TreeValue.Mapping(Map.of(), Origin.startOf(file));
            }
            if (!(root instanceof TreeValue.Mapping)) {
                throw new ConfigException(root.origin() + ": the top level must be a mapping of sections (connection:, pool:, ...), found "
                        + root.typeName(), engine, null);
            }
            return (TreeValue.Mapping) root;
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            // getMessage() would quote the offending line: only the problem's description is kept
            String what = (e.getContext() == null ? "" : e.getContext() + ": ") + e.getProblem();
            throw refuse(mark, "invalid YAML: " + what);
        } catch (ReaderException e) {
            throw new ConfigException(position(file, text, Math.max(0, e.getPosition())) + ": invalid YAML: "
                    + String.format("character U+%04X is not allowed", e.getCodePoint()), engine, null);
        } catch (YAMLException e) {
            throw refuse(last == null ? null : last.getStartMark(), "invalid YAML: " + e.getClass().getSimpleName());
        }
    }

    private Event next() {
        last = parser.getEvent();
        return last;
    }

    private TreeValue node(int depth) {
        Event event = next();
        Mark mark = event.getStartMark();
        if (++nodes > MAX_NODES) {
            throw refuse(mark, "more than " + MAX_NODES + " values in one file: configuration is never that large");
        }
        if (event instanceof AliasEvent) {
            throw refuse(mark, "YAML aliases (*" + ((AliasEvent) event).getAnchor() + ") are not allowed in configuration:"
                    + " write the value out, or put shared settings in the base file");
        }
        if (event instanceof ScalarEvent) {
            ScalarEvent scalar = (ScalarEvent) event;
            refuseTag(scalar.getTag(), mark);
            return new TreeValue.Scalar(scalar.getValue(), kindOf(scalar), origin(mark));
        }
        if (event instanceof CollectionStartEvent) {
            refuseTag(((CollectionStartEvent) event).getTag(), mark);
            if (depth > ConfigLoader.MAX_NESTING_DEPTH) {
                throw refuse(mark, "nesting deeper than " + ConfigLoader.MAX_NESTING_DEPTH
                        + " levels: configuration is never that deep");
            }
            return event.is(Event.ID.SequenceStart) ? sequence(mark, depth) : mapping(mark, depth);
        }
        throw refuse(mark, "unexpected " + event.getEventId());
    }

    private TreeValue.Sequence sequence(Mark start, int depth) {
        List<TreeValue> items = new ArrayList<>();
        while (!parser.peekEvent().is(Event.ID.SequenceEnd)) {
            items.add(node(depth + 1));
        }
        next();
        return new TreeValue.Sequence(items, origin(start));
    }

    private TreeValue.Mapping mapping(Mark start, int depth) {
        Map<String, TreeValue.Entry> entries = new LinkedHashMap<>();
        while (!parser.peekEvent().is(Event.ID.MappingEnd)) {
            Event key = next();
            Mark keyMark = key.getStartMark();
            if (key instanceof AliasEvent) {
                throw refuse(keyMark, "YAML aliases are not allowed in configuration");
            }
            if (!(key instanceof ScalarEvent)) {
                throw refuse(keyMark, "a key must be a plain string, not a list or mapping");
            }
            ScalarEvent scalar = (ScalarEvent) key;
            refuseTag(scalar.getTag(), keyMark);
            TreeValue.Kind kind = kindOf(scalar);
            String name = scalar.getValue();
            if (kind != TreeValue.Kind.STRING || !scalar.isPlain() || Resolver.MERGE.matcher(name).matches()) {
                throw refuse(keyMark, "a key must be a plain string (like max_size), found "
                        + new TreeValue.Scalar(name, kind, null).typeName() + " key '" + shown(name) + "'");
            }
            if (entries.containsKey(name)) {
                TreeValue.Entry first = entries.get(name);
                throw refuse(keyMark, "duplicate key '" + shown(name) + "' (first at line " + first.keyOrigin().line()
                        + "): keep one");
            }
            TreeValue value = node(depth + 1);
            entries.put(name, new TreeValue.Entry(origin(keyMark), value));
        }
        next();
        return new TreeValue.Mapping(entries, origin(start));
    }

    private static TreeValue.Kind kindOf(ScalarEvent scalar) {
        if (!scalar.isPlain()) {
            return TreeValue.Kind.STRING;
        }
        return kindOfPlain(scalar.getValue());
    }

    /**
     * @param text a plain (unquoted) scalar
     * @return its YAML 1.1 type, as the safe constructor would resolve it
     */
    static TreeValue.Kind kindOfPlain(String text) {
        Tag tag = RESOLVER.resolve(NodeId.scalar, text, true);
        if (Tag.INT.equals(tag)) {
            return TreeValue.Kind.INT;
        }
        if (Tag.FLOAT.equals(tag)) {
            return TreeValue.Kind.FLOAT;
        }
        if (Tag.BOOL.equals(tag)) {
            return TreeValue.Kind.BOOL;
        }
        if (Tag.NULL.equals(tag)) {
            return TreeValue.Kind.NULL;
        }
        return TreeValue.Kind.STRING;
    }

    private void refuseTag(String tag, Mark mark) {
        if (tag != null) {
            throw refuse(mark, "YAML tags (" + shown(tag) + ") are not allowed in configuration: remove the tag");
        }
    }

    private Origin origin(Mark mark) {
        return mark == null ? Origin.startOf(file) : new Origin(file, mark.getLine() + 1, mark.getColumn() + 1);
    }

    private ConfigException refuse(Mark mark, String problem) {
        return new ConfigException(origin(mark) + ": " + problem, engine, null);
    }

    private static String shown(String text) {
        return io.tenantdb.core.exception.InvalidTenantException.escape(text);
    }
}
