package dev.embody.planning;

import dev.embody.loop.Decision;
import dev.embody.loop.InputLog;
import dev.embody.loop.PersonInput;
import dev.embody.loop.PlanningContext;
import dev.embody.loop.Policy;
import dev.embody.skill.SkillCall;
import dev.embody.skill.SkillLibrary;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A person as the policy, for a demonstration ({@code ./run record}): each step's decision is what the person did in
 * the step's window, read as a skill command ({@link InputMatch}), {@code by: person}, with the raw input kept beside
 * it. Where the person's hands are on the target itself (keys and mouse on a program, a game's window), the step's
 * window is one period from the moment the step's frame was taken, waited out here, and the loop sends nothing: what
 * the person did before that moment is already on the frame, so it is no answer to it (a policy taught it learns to
 * repeat what it sees done, and at run time, where nothing is done before it decides, repeats itself); input that
 * came between a window's end and the next frame is kept in the step's input (before 0 ms) and counted, and carries
 * held keys on, but makes the command only where nothing was done in the window itself (no single press is lost). Where the person acts through embody
 * (a console's command buttons, a gamepad), the window is what came since the last step, and the loop carries the
 * command out.
 */
public final class PersonPolicy implements Policy {

    public static final String NAME = "person";

    private final InputLog input;
    private final InputMatch match;
    private final long windowNanos;
    private final boolean throughEmbody;
    private long windowStart = -1;
    private final Counts counts = new Counts();

    /**
     * @param stick         what a gamepad's stick directions command on this target
     * @param window        a step's window where the person acts on the target itself (the loop's period)
     * @param throughEmbody the person acts through embody: take what came at once, one console command a step
     * @throws IllegalArgumentException the skills have no idle command to record where nothing was done
     */
    public PersonPolicy(SkillLibrary library, Map<String, SkillCall> stick, InputLog input, Duration window, boolean throughEmbody) {
        this.input = input;
        this.match = new InputMatch(library, stick);
        this.windowNanos = window.toNanos();
        this.throughEmbody = throughEmbody;
        if (!match.hasIdle()) {
            throw new IllegalArgumentException("the skills have no idle command to record where the person does nothing: add a skill tagged "
                    + "'idle' that only waits (as skills/sim-game/wait.yaml)");
        }
    }

    /** What the person's steps came to so far. */
    public static final class Counts {
        private long steps, mapped, idle, events, unmapped, beforeFrame;
        private final Map<String, Long> commands = new TreeMap<>();
        private final Map<String, Long> unmappedKinds = new LinkedHashMap<>();

        synchronized void add(InputMatch.Match m, int eventCount) {
            steps++;
            events += eventCount;
            if (m.idle()) {
                idle++;
            } else {
                mapped++;
            }
            commands.merge(String.valueOf(m.command()), 1L, Long::sum);
            countUnmapped(m);
        }

        private void countUnmapped(InputMatch.Match m) {
            for (String u : m.unmapped()) {
                unmapped++;
                unmappedKinds.merge(kind(u), 1L, Long::sum);
            }
        }

        /** "pressed Q (35 ms), which no skill sends" -> "pressed Q": the same input counted together. */
        static String kind(String unmapped) {
            return unmapped.replaceAll(" \\(\\d+ ms\\)", "").replaceAll(" at \\(-?\\d+,-?\\d+\\)", "").replace(", which no skill sends", "")
                    .replaceAll(" and held it to the window's end", "");
        }

        public synchronized long steps() {
            return steps;
        }

        /** Steps whose command the person's input mapped to (not idle). */
        public synchronized long mapped() {
            return mapped;
        }

        public synchronized long idle() {
            return idle;
        }

        /** Input events taken. */
        public synchronized long events() {
            return events;
        }

        /** Pieces of input that map to no skill. */
        public synchronized long unmapped() {
            return unmapped;
        }

        /**
         * Input events that came after a window closed and before the next step's frame was taken: kept in that step's
         * input (at negative times) and counted when they map to no skill, but no part of its command.
         */
        public synchronized long beforeFrame() {
            return beforeFrame;
        }

        synchronized void before(InputMatch.Match m, int eventCount) {
            beforeFrame += eventCount;
            events += eventCount;
            countUnmapped(m);
        }

        public synchronized Map<String, Long> commands() {
            return Map.copyOf(commands);
        }

        /** The unmapped input by kind ("pressed Q" -> 2), in the order first met. */
        public synchronized Map<String, Long> unmappedKinds() {
            return new LinkedHashMap<>(unmappedKinds);
        }
    }

    public Counts counts() {
        return counts;
    }

    @Override
    public Decision plan(PlanningContext context) {
        long now = System.nanoTime();
        long lastEnd = windowStart;
        if (!throughEmbody) {
            windowStart = seen(context, windowStart, now);
        } else if (windowStart < 0) {
            windowStart = now;
        }
        long end = throughEmbody ? now : Math.max(now, windowStart + windowNanos);
        if (!throughEmbody) {
            waitUntil(end);
        }
        List<InputLog.Stamped> got = input.take(end, throughEmbody);
        List<PersonInput.Event> events = new ArrayList<>();
        List<String> unmapped = new ArrayList<>();
        InputMatch.Match earlier = null;
        int before = 0;
        if (!throughEmbody) {
            while (before < got.size() && got.get(before).nanos() < windowStart) {
                before++;
            }
        }
        if (before > 0) {
            // on the frame already: what it did to held keys carries on, what it commanded is no answer to the frame
            long from = lastEnd >= 0 ? Math.min(lastEnd, got.get(0).nanos()) : got.get(0).nanos();
            List<PersonInput.Event> gap = new ArrayList<>();
            for (InputLog.Stamped s : got.subList(0, before)) {
                gap.add(s.event().at(ms(s.nanos() - from)));
                events.add(s.event().at(ms(s.nanos() - windowStart)));
            }
            earlier = match.next(gap, (windowStart - from) / 1e6, context.scene());
            unmapped.addAll(earlier.unmapped());
            counts.before(earlier, before);
            got = got.subList(before, got.size());
        }
        double windowMs = (end - windowStart) / 1e6;
        List<PersonInput.Event> window = new ArrayList<>();
        for (InputLog.Stamped s : got) {
            window.add(s.event().at(ms(Math.max(0, s.nanos() - windowStart))));
        }
        events.addAll(window);
        windowStart = end;
        InputMatch.Match m = match.next(window, windowMs, context.scene());
        unmapped.addAll(m.unmapped());
        if (m.idle() && earlier != null && !earlier.idle()) {
            // nothing done after the frame: what was done just before it is the step's, so no single press is lost
            m = new InputMatch.Match(earlier.command(), false, earlier.why() + " (before the frame; nothing after it)", m.unmapped(), earlier.also());
        }
        counts.add(m, window.size());
        return new Decision(m.command(), Map.of(), NAME, m.why(), List.of(), new PersonInput(windowMs, events, unmapped));
    }

    /** Nanoseconds as milliseconds to a tenth. */
    private static double ms(long nanos) {
        return Math.round(nanos / 1e5) / 10.0;
    }

    /**
     * When the step's frame was taken, on this process's clock: the observation's time where it lies between the last
     * window's end and now (a screen's or camera's frame), else the last window's end (a simulated game dates its frames
     * by its own clock: its windows follow each other).
     */
    static long seen(PlanningContext context, long lastEnd, long now) {
        long t = context.observation() != null ? context.observation().timeNanos() : -1;
        if (lastEnd < 0) {
            // the first step: its frame was taken at most a period or so ago
            return t > 0 && t <= now && now - t < 5_000_000_000L ? t : now;
        }
        return t >= lastEnd && t <= now ? t : lastEnd;
    }

    /** The window's end on the wall clock: the person is acting meanwhile. */
    private static void waitUntil(long end) {
        long left;
        while ((left = end - System.nanoTime()) > 0) {
            try {
                Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public String name() {
        return NAME;
    }
}
