package dev.embody.file;

import java.nio.file.Path;

/** A file the user gave (a skill, an episode, a calibration) that is not what it should be: names the file, line and reason. */
public class BadFileException extends Exception {

    private final transient Path file;
    private final int line;
    private final String reason;

    public BadFileException(Path file, int line, String reason) {
        super(file + (line > 0 ? ":" + line : "") + ": " + reason);
        this.file = file;
        this.line = line;
        this.reason = reason;
    }

    public Path file() {
        return file;
    }

    public int line() {
        return line;
    }

    public String reason() {
        return reason;
    }
}
