package dev.embody.correction;

import dev.embody.loop.Intervention;
import dev.embody.loop.OperatorInbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * The terminal as a correction channel: every line typed (or piped) on an input stream is parsed and, when understood,
 * submitted to the loop's inbox at once, so it overrides the planner at the next step and cuts a running hold short.
 * What was understood, or why nothing was applied, is printed right away on the report stream (the console's stderr).
 *
 * <pre>{@code
 * try (TerminalChannel terminal = new TerminalChannel(() -> new CorrectionParser(library), loop.inbox(), System.in, System.err).start()) {
 *     loop.run();
 * }
 * }</pre>
 * The end of the input (a pipe closed, Ctrl-D) ends the channel, not the loop.
 */
public final class TerminalChannel implements AutoCloseable {

    public static final String CHANNEL = "terminal";
    private static final Logger log = LoggerFactory.getLogger(TerminalChannel.class);
    /** Longer lines are cut: nobody types a paragraph of corrections, and a runaway pipe must not stall the parser. */
    private static final int MAX_LINE = 500;

    private final java.util.function.Supplier<CorrectionParser> parser;
    private final OperatorInbox inbox;
    private final InputStream in;
    private final PrintStream report;
    private volatile boolean closed;
    private Thread reader;

    /** @param parser the parser for the skills as they stand (they grow when a skill is taught) */
    public TerminalChannel(java.util.function.Supplier<CorrectionParser> parser, OperatorInbox inbox, InputStream in, PrintStream report) {
        this.parser = parser;
        this.inbox = inbox;
        this.in = in;
        this.report = report;
    }

    /** Starts reading lines on a daemon thread (it never keeps the program alive). */
    public synchronized TerminalChannel start() {
        if (reader == null) {
            reader = new Thread(this::readLines, "terminal-corrections");
            reader.setDaemon(true);
            reader.start();
        }
        return this;
    }

    private void readLines() {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while (!closed && (line = lines.readLine()) != null) {
                if (!line.isBlank()) {
                    accept(line.length() > MAX_LINE ? line.substring(0, MAX_LINE) : line);
                }
            }
            log.debug("terminal corrections: end of input");
        } catch (IOException e) {
            if (!closed) {
                log.warn("terminal corrections stopped: {}", e.toString());
            }
        } catch (RuntimeException e) {
            log.error("terminal corrections failed", e);
        }
    }

    /** Parses one line, says how it was understood, and submits it if it was; what the channel does with each line. */
    public Understanding accept(String line) {
        Understanding u = parser.get().parse(line.strip());
        Optional<Intervention> i = u.toIntervention(CHANNEL);
        report.println(describe(u));
        report.flush();
        log.debug("terminal correction {}", u);
        i.ifPresent(inbox::submit);
        return u;
    }

    /** One line for the operator: what was heard, what it means, how sure, why. */
    public static String describe(Understanding u) {
        String what = switch (u.kind()) {
            case COMMAND -> "command " + u.command();
            case GOAL -> "new goal \"" + u.argument() + "\"";
            case NOTE -> "note \"" + u.argument() + "\"";
            case TEACH -> "teach a skill";
            case NOT_UNDERSTOOD -> "not understood, nothing applied";
            case AMBIGUOUS -> "ambiguous, nothing applied";
            default -> u.kind().name().toLowerCase(Locale.ROOT);
        };
        return String.format(Locale.ROOT, "correction \"%s\": %s (confidence %.2f): %s", u.text().strip(), what, u.confidence(), u.explanation());
    }

    @Override
    public void close() {
        closed = true;
    }
}
