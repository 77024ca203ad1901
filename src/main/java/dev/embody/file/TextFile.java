package dev.embody.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A text file the user gave (skills, calibration, episodes, memory) read as UTF-8, saying where it is not: the line,
 * the byte and its column, instead of the JDK's bare "Input length = 1".
 *
 * <pre>{@code
 * String yaml = TextFile.read(path);                 // strict: the first bad byte is a BadFileException
 * for (TextFile.Line l : TextFile.lines(path)) ...   // lenient: each line decoded on its own, a bad one says why
 * }</pre>
 */
public final class TextFile {

    private TextFile() {
    }

    /**
     * One line, without its end of line.
     *
     * @param number  from 1
     * @param text    the line, or null where it is not UTF-8
     * @param problem why it is not (null when it is)
     * @param ended   whether a newline ended it (the last line of a file cut mid-write has none)
     */
    public record Line(int number, String text, String problem, boolean ended) {
        public boolean readable() {
            return text != null;
        }
    }

    /** The whole file; its first byte that is not UTF-8 is an error naming file, line and column. */
    public static String read(Path file) throws BadFileException {
        return read(file, Long.MAX_VALUE, null);
    }

    /**
     * The whole file, refused before a byte is read when it is larger than {@code maxBytes} (a sparse file of a
     * gigabyte costs nothing to make and minutes to parse).
     *
     * @param what what such a file is, for the refusal: "a YAML file embody reads"
     */
    public static String read(Path file, long maxBytes, String what) throws BadFileException {
        StringBuilder out = new StringBuilder();
        for (Line l : lines(file, maxBytes, what)) {
            if (!l.readable()) {
                throw new BadFileException(file, l.number(), l.problem());
            }
            out.append(l.text());
            if (l.ended()) {
                out.append('\n');
            }
        }
        return out.toString();
    }

    /** Every line, each decoded on its own so one bad byte costs only its line; empty for an empty file. */
    public static List<Line> lines(Path file) throws BadFileException {
        return lines(file, Long.MAX_VALUE, null);
    }

    /** Every line, as {@link #lines(Path)}, of a file no larger than {@code maxBytes} (checked before reading). */
    public static List<Line> lines(Path file, long maxBytes, String what) throws BadFileException {
        byte[] bytes;
        try {
            long size = Files.size(file);
            if (size > maxBytes) {
                throw new BadFileException(file, 0, "too large: " + size + " bytes; " + what + " is at most " + maxBytes + " bytes (" + sizeName(maxBytes) + ")");
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new BadFileException(file, 0, "cannot read: " + e.getMessage());
        }
        return lines(bytes);
    }

    /** 1048576 as "1 MiB". */
    public static String sizeName(long bytes) {
        if (bytes >= 1L << 30 && bytes % (1L << 30) == 0) {
            return (bytes >> 30) + " GiB";
        }
        if (bytes >= 1L << 20 && bytes % (1L << 20) == 0) {
            return (bytes >> 20) + " MiB";
        }
        if (bytes >= 1L << 10 && bytes % (1L << 10) == 0) {
            return (bytes >> 10) + " KiB";
        }
        return bytes + " bytes";
    }

    static List<Line> lines(byte[] bytes) {
        List<Line> out = new ArrayList<>();
        int start = 0, number = 0;
        while (start < bytes.length) {
            int end = start;
            while (end < bytes.length && bytes[end] != '\n') {
                end++;
            }
            boolean ended = end < bytes.length;
            int stop = end > start && bytes[end - 1] == '\r' && ended ? end - 1 : end;
            number++;
            out.add(decode(bytes, start, stop, number, ended));
            start = end + 1;
        }
        return out;
    }

    private static Line decode(byte[] bytes, int from, int to, int number, boolean ended) {
        CharsetDecoder d = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes, from, to - from);
        CharBuffer chars = CharBuffer.allocate(to - from);
        CoderResult r = d.decode(in, chars, true);
        if (r.isError()) {
            int at = in.position();
            return new Line(number, null, String.format(Locale.ROOT, "not UTF-8 text (byte 0x%02x at column %d)",
                    bytes[at] & 0xff, at - from + 1), ended);
        }
        try {
            d.flush(chars);
        } catch (RuntimeException e) {
            return new Line(number, null, "not UTF-8 text", ended);
        }
        chars.flip();
        return new Line(number, chars.toString(), null, ended);
    }
}
