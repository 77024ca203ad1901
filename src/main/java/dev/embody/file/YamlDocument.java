package dev.embody.file;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A YAML file read as a tree that remembers the line of every node, so errors can say where. Every YAML file embody
 * reads (skills, calibration, robot limits, prompts) comes through here, bounded before it is parsed: SnakeYAML's
 * scanner is quadratic on a long scalar, so a 35 MB file would hang a check for minutes.
 */
public final class YamlDocument {

    /** The largest YAML file or text read: the largest shipped file is under 2 KB. */
    public static final long MAX_BYTES = 256L << 10;
    /** The longest line: the scanner's time grows with the square of an unbroken run (400 KB on one line: 8 s). */
    public static final int MAX_LINE_CHARS = 4096;
    /** Deepest nesting of mappings and lists: a skill or calibration needs a handful. */
    public static final int MAX_DEPTH = 64;
    /** Aliases ({@code *a}) a document may use: none of embody's files needs one; a few are harmless, many are a bomb. */
    public static final int MAX_ALIASES = 50;
    private static final String WHAT = "a YAML file embody reads";
    private static final YAMLFactory FACTORY = YAMLFactory.builder().loaderOptions(loaderOptions())
            .streamReadConstraints(com.fasterxml.jackson.core.StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH)
                    .maxStringLength((int) MAX_BYTES).build()).build();
    private static final ObjectMapper MAPPER = new ObjectMapper(FACTORY);

    private static org.yaml.snakeyaml.LoaderOptions loaderOptions() {
        org.yaml.snakeyaml.LoaderOptions o = new org.yaml.snakeyaml.LoaderOptions();
        o.setCodePointLimit((int) MAX_BYTES);
        o.setMaxAliasesForCollections(MAX_ALIASES);
        o.setNestingDepthLimit(MAX_DEPTH);
        o.setAllowRecursiveKeys(false);
        return o;
    }

    /** A reader for YAML that is not a skill or calibration but must be as bounded (camera and table calibration). */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    private final Path path;
    private final JsonNode root;
    private final Map<String, Integer> lines;

    private YamlDocument(Path path, JsonNode root, Map<String, Integer> lines) {
        this.path = path;
        this.root = root;
        this.lines = lines;
    }

    /** Writes a map as a YAML file (its folder made if needed) under a one-line comment saying what it is and what wrote it. */
    public static void write(Path file, String comment, Map<String, Object> values) throws IOException {
        if (file.getParent() != null) {
            java.nio.file.Files.createDirectories(file.getParent());
        }
        java.nio.file.Files.writeString(file, "# " + comment + "\n" + new ObjectMapper(new YAMLFactory()).writeValueAsString(values));
    }

    public static YamlDocument read(Path path) throws BadFileException {
        return parse(path, TextFile.read(path, MAX_BYTES, WHAT));
    }

    /** A file's text, bounded as every YAML file embody reads is, for a reader that parses it itself. */
    public static String text(Path path) throws BadFileException {
        return TextFile.read(path, MAX_BYTES, WHAT);
    }

    /** YAML text that is not (yet) a file, such as a skill taught at run time; {@code path} names it in errors. */
    public static YamlDocument parse(Path path, String text) throws BadFileException {
        if (text.length() > MAX_BYTES) {
            throw new BadFileException(path, 0, "too large: " + text.length() + " characters; " + WHAT + " is at most " + MAX_BYTES
                    + " bytes (" + TextFile.sizeName(MAX_BYTES) + ")");
        }
        int lineNo = 1;
        for (int start = 0; start <= text.length(); lineNo++) {
            int end = text.indexOf('\n', start);
            end = end < 0 ? text.length() : end;
            if (end - start > MAX_LINE_CHARS) {
                throw new BadFileException(path, lineNo, "line too long: " + (end - start) + " characters; a line of " + WHAT + " is at most "
                        + MAX_LINE_CHARS);
            }
            start = end + 1;
        }
        Map<String, Integer> lines = new HashMap<>();
        try (JsonParser parser = FACTORY.createParser(text)) {
            JsonToken token;
            while ((token = parser.nextToken()) != null) {
                if (token == JsonToken.FIELD_NAME || token.isScalarValue() || token.isStructStart()) {
                    String pointer = parser.getParsingContext().pathAsPointer().toString();
                    lines.putIfAbsent(pointer, parser.currentTokenLocation().getLineNr());
                }
            }
            JsonNode root = MAPPER.readTree(text);
            if (root == null || !root.isObject()) {
                throw new BadFileException(path, 1, "expected a YAML mapping at the top of the file");
            }
            return new YamlDocument(path, root, lines);
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            throw new BadFileException(path, line, "not valid YAML: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new BadFileException(path, 0, "cannot read: " + e.getMessage());
        }
    }

    public Path path() {
        return path;
    }

    public JsonNode root() {
        return root;
    }

    /** The line of the node at a JSON pointer ("/parameters/amount"), or of its nearest ancestor that has one. */
    public int lineOf(String pointer) {
        String p = pointer;
        while (!p.isEmpty()) {
            Integer line = lines.get(p);
            if (line != null) {
                return line;
            }
            p = p.substring(0, Math.max(0, p.lastIndexOf('/')));
        }
        return 1;
    }

    public BadFileException error(String pointer, String reason) {
        return new BadFileException(path, lineOf(pointer), reason);
    }
}
