package dev.embody.planning;

import dev.embody.loop.Entity;
import dev.embody.loop.PersonInput;
import dev.embody.loop.Scene;
import dev.embody.skill.Keys;
import dev.embody.skill.Primitive;
import dev.embody.skill.Skill;
import dev.embody.skill.SkillCall;
import dev.embody.skill.SkillLibrary;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads a person's raw input, one step's window at a time, as the skill command that would have sent it: for every
 * command of the library, what it would send (press K, hold K for d ms, type TEXT, click at a point or an entity, scroll
 * N) against what the person did in the window.
 *
 * <ul>
 *   <li>a key held (through the whole window or part of it) is the hold of that key whose duration is nearest the time
 *   it was down in the window (ties: the shorter); a quick tap is a press (0 ms) where the key has one;</li>
 *   <li>a key pressed while modifiers are held is that chord (CONTROL+S); a modifier let go with nothing pressed under
 *   it is a press of the modifier alone;</li>
 *   <li>printable keys no key command sends are typing: the step that completes a {@code type} command's text is that
 *   command; the steps before it are idle ("typing 'hel'"); typing that is no command's text is unmapped;</li>
 *   <li>a click is the click command whose point (or entity, from the step's scene) is nearest, within
 *   {@value #CLICK_TOLERANCE} scene units; a scroll, the scroll of the same direction with the nearest notches;</li>
 *   <li>a gamepad's stick is the command its direction maps to; a console button's command is itself;</li>
 *   <li>nothing done is the idle command: the library's idle skill (tagged {@code idle}) that only waits, with the
 *   duration nearest the window (else its first idle command, such as a robot's stop).</li>
 * </ul>
 *
 * A step holds one command: the one that explains most of the window's input, most closely; other input some skill
 * sends is listed as {@code also}, and input no skill sends as {@code unmapped}. Keys held and typing carry over from
 * one window to the next, so one instance reads one episode, window after window.
 *
 * <pre>{@code
 * InputMatch match = new InputMatch(library, Map.of());
 * InputMatch.Match m = match.next(List.of(PersonInput.Event.keyDown("RIGHT")), 100, scene);
 * m.command();   // move(direction=right, amount=small): RIGHT was down for the whole 100 ms window
 * }</pre>
 */
public final class InputMatch {

    /** Keys that change other keys; pressed alone they are a press of their own only when let go unused. */
    public static final Set<String> MODIFIERS = Set.of("CONTROL", "SHIFT", "ALT", "META", "ALT_GRAPH", "WINDOWS");
    /** How far from a click command's point (scene units) a person's click still counts as it. */
    public static final double CLICK_TOLERANCE = 24;
    /** Typing that pauses this long without completing a text is given up as unmapped. */
    static final double TYPING_PAUSE_MS = 1500;
    private static final int MAX_DEPTH = 8;

    /** A step's command read from the window, with why, and the input no skill sends. */
    public record Match(SkillCall command, boolean idle, String why, List<String> unmapped, List<String> also) {
        public Match {
            unmapped = List.copyOf(unmapped);
            also = List.copyOf(also);
        }
    }

    // ---- what a command would send

    private sealed interface Act permits KeyAct, TypeAct, ClickAct, ScrollAct {
    }

    /** A chord pressed (ms 0) or one key held for ms. */
    private record KeyAct(Set<String> chord, long ms) implements Act {
        String describe() {
            return (ms == 0 ? "presses " : "holds ") + String.join("+", chord) + (ms == 0 ? "" : " " + ms + " ms");
        }
    }

    private record TypeAct(String text) implements Act {
    }

    /** A click at a point, at an entity's centre, or (both null) wherever the pointer is. */
    private record ClickAct(String button, Double x, Double y, String entity, int count) implements Act {
    }

    private record ScrollAct(int notches) implements Act {
    }

    private record Expectation(SkillCall call, List<Act> acts, long waitMs, boolean idle) {
    }

    // ---- what the person did in a window

    private sealed interface Done permits KeyDone, ClickDone, ScrollDone {
        String describe();
    }

    /**
     * A key (or chord) down for {@code ms} of the window.
     *
     * @param held    still down when the window ended
     * @param pressed it went down in this window (else it was held over from an earlier one)
     */
    private record KeyDone(Set<String> chord, double ms, boolean held, boolean pressed) implements Done {
        public String describe() {
            String keys = String.join("+", chord);
            if (pressed) {
                return String.format(Locale.ROOT, held ? "pressed %s and held it to the window's end (%.0f ms)" : "pressed %s (%.0f ms)", keys, ms);
            }
            return String.format(Locale.ROOT, held ? "held %s through the window (%.0f ms)" : "held %s %.0f ms, then let go", keys, ms);
        }
    }

    private record ClickDone(String button, Double x, Double y, int count) implements Done {
        public String describe() {
            return "clicked " + button + (count > 1 ? " x" + count : "") + (x == null ? "" : String.format(Locale.ROOT, " at (%.0f,%.0f)", x, y));
        }
    }

    private record ScrollDone(int notches) implements Done {
        public String describe() {
            return "scrolled " + Math.abs(notches) + (notches < 0 ? " up" : " down");
        }
    }

    private record Held(double start, Set<String> chord, boolean pressed) {
    }

    private record Candidate(Expectation e, List<Integer> covered, double cost, String why) {
    }

    private final SkillLibrary library;
    private final Map<String, SkillCall> stick;
    private final List<Expectation> expectations = new ArrayList<>();
    private final List<Expectation> idles = new ArrayList<>();
    private final Map<String, Held> held = new LinkedHashMap<>();
    private final Map<String, Boolean> modifierUsed = new HashMap<>();
    private String stickDirection;
    private final StringBuilder typing = new StringBuilder();
    private double sinceTyped;

    /**
     * @param stick what a gamepad stick's directions command on this target (left, right, up, down), or empty
     */
    public InputMatch(SkillLibrary library, Map<String, SkillCall> stick) {
        this.library = library;
        this.stick = Map.copyOf(stick);
        for (SkillCall c : library.commands()) {
            long[] wait = {0};
            List<Act> acts = new ArrayList<>();
            boolean[] silent = {true};
            expand(c, acts, wait, silent, 0);
            boolean tagged = library.skill(c.skill()).map(s -> s.tags().contains("idle")).orElse(false);
            Expectation e = new Expectation(c, List.copyOf(acts), wait[0], tagged && acts.isEmpty());
            expectations.add(e);
            if (e.idle()) {
                idles.add(e);
            }
        }
        if (idles.isEmpty()) {
            // no skill says it is for idling: one that sends nothing at all (only waits) will do
            for (SkillCall c : library.commands()) {
                long[] wait = {0};
                boolean[] silent = {true};
                List<Act> acts = new ArrayList<>();
                expand(c, acts, wait, silent, 0);
                if (silent[0]) {
                    idles.add(new Expectation(c, List.of(), wait[0], true));
                }
            }
        }
    }

    /** Whether the library has an idle command, recorded where the person did nothing. */
    public boolean hasIdle() {
        return !idles.isEmpty();
    }

    /** The command recorded where nothing was done in a window this long (null: the library has no idle command). */
    public SkillCall idle(double windowMs) {
        Expectation best = null;
        for (Expectation e : idles) {
            // one that waits beats one that does not (a robot's stop); of those, the wait nearest the window
            if (best == null || e.waitMs() > 0 && (best.waitMs() == 0 || Math.abs(e.waitMs() - windowMs) < Math.abs(best.waitMs() - windowMs))) {
                best = e;
            }
        }
        return best == null ? null : best.call();
    }

    /**
     * The next window: its events (timed from the window's start, in order), how long it was, and the scene the step
     * saw (clicks at entities are placed by it; null: none).
     */
    public Match next(List<PersonInput.Event> events, double windowMs, Scene scene) {
        Window w = read(events, windowMs);
        List<Done> done = w.done();
        List<String> unmapped = w.unmapped();
        List<SkillCall> commands = w.commands();
        String stickSeen = w.stickSeen();

        if (!commands.isEmpty()) {
            for (int i = 1; i < commands.size(); i++) {
                unmapped.add("command " + commands.get(i) + " (one command a step: the first of the window was taken)");
            }
            return finish(commands.get(0), false, "the person gave " + commands.get(0) + " (a command button)", done, List.of(), unmapped, scene, windowMs);
        }
        if (stickSeen != null) {
            SkillCall c = stick.get(stickSeen);
            if (c != null) {
                return finish(c, false, "the stick was " + stickSeen + ": " + c, done, List.of(), unmapped, scene, windowMs);
            }
            unmapped.add("stick " + stickSeen + " (this target's stick commands nothing that way)");
        }

        List<Done> keyed = keyed(done);
        Candidate best = best(keyed, scene);
        List<String> also = new ArrayList<>();
        SkillCall typedCommand = null;
        String typedWhy = null;
        if (!typing.isEmpty()) {
            Optional<Expectation> complete = typeCommands().stream().filter(e -> ((TypeAct) e.acts().get(0)).text().contentEquals(typing)).findFirst();
            if (complete.isPresent()) {
                typedCommand = complete.get().call();
                typedWhy = "typed '" + typing + "': " + typedCommand + " types it";
                typing.setLength(0);
            } else if (!isPrefix(typing) || sinceTyped > TYPING_PAUSE_MS) {
                unmapped.add("typed '" + typing + "' (no skill types it)");
                typing.setLength(0);
            }
        }
        if (typedCommand != null) {
            if (best != null) {
                also.add(best.e().call().toString());
            }
            return finish(typedCommand, false, typedWhy, keyed, List.of(), unmapped, scene, windowMs, also, best == null ? List.of() : best.covered());
        }
        if (best != null) {
            return finish(best.e().call(), false, best.why(), keyed, best.covered(), unmapped, scene, windowMs);
        }
        for (Done d : keyed) {
            if (!overFromEarlier(d)) {
                unmapped.add(d.describe() + ", which no skill sends");
            }
        }
        SkillCall idle = idle(windowMs);
        String why = !typing.isEmpty() ? "typing '" + typing + "' (a skill's text, not finished)"
                : unmapped.isEmpty() ? "nothing pressed" : "nothing a skill sends (" + String.join("; ", unmapped) + ")";
        return new Match(idle, true, why + (idle == null ? "" : ": " + idle), unmapped, List.of());
    }

    /** One window's events read as what the person did, the commands and stick direction given, and what no skill reads. */
    private record Window(List<Done> done, List<String> unmapped, List<SkillCall> commands, String stickSeen) {
    }

    /**
     * The window's events as acts done: a key's press to its release with the modifiers held, repeated clicks in one
     * place counted, scrolling summed; keys still down go on into the next window.
     */
    private Window read(List<PersonInput.Event> events, double windowMs) {
        List<Done> done = new ArrayList<>();
        List<String> unmapped = new ArrayList<>();
        List<SkillCall> commands = new ArrayList<>();
        String stickSeen = stickDirection;
        // keys held from an earlier window count from this one's start
        Map<String, Held> open = new LinkedHashMap<>();
        held.forEach((k, h) -> open.put(k, new Held(0, h.chord(), false)));
        held.clear();
        Map<String, Integer> lastClick = new HashMap<>();
        int scroll = 0;
        for (PersonInput.Event ev : events) {
            double t = Math.max(0, Math.min(windowMs, ev.tMs()));
            switch (ev.event()) {
                case "key_down" -> {
                    String k = ev.key().toUpperCase(Locale.ROOT);
                    if (open.containsKey(k)) {
                        break; // a repeat
                    }
                    Set<String> chord = chord();
                    if (MODIFIERS.contains(k)) {
                        modifierUsed.put(k, false);
                        chord.add(k);
                    } else {
                        for (String m : open.keySet()) {
                            if (MODIFIERS.contains(m)) {
                                chord.add(m);
                                modifierUsed.put(m, true);
                            }
                        }
                        chord.add(k);
                    }
                    open.put(k, new Held(t, chord, true));
                }
                case "key_up" -> {
                    String k = ev.key().toUpperCase(Locale.ROOT);
                    Held h = open.remove(k);
                    if (h == null) {
                        break; // went down before the recording began
                    }
                    if (MODIFIERS.contains(k)) {
                        if (!Boolean.TRUE.equals(modifierUsed.remove(k))) {
                            done.add(new KeyDone(Set.of(k), t - h.start(), false, true));
                        }
                    } else {
                        done.add(new KeyDone(h.chord(), t - h.start(), false, h.pressed()));
                    }
                }
                case "button_down" -> {
                    String b = ev.button().toUpperCase(Locale.ROOT);
                    Integer at = lastClick.get(b);
                    if (at != null && done.get(at) instanceof ClickDone c && near(c, ev)) {
                        done.set(at, new ClickDone(c.button(), c.x(), c.y(), c.count() + 1));
                    } else {
                        lastClick.put(b, done.size());
                        done.add(new ClickDone(b, ev.x(), ev.y(), 1));
                    }
                }
                case "scroll" -> scroll += ev.notches() == null ? 0 : ev.notches();
                case "stick" -> {
                    stickDirection = ev.direction();
                    if (ev.direction() != null) {
                        stickSeen = ev.direction();
                    }
                }
                case "command" -> {
                    try {
                        commands.add(library.normalize(SkillCall.parse(ev.command())));
                    } catch (IllegalArgumentException e) {
                        unmapped.add("command " + ev.command() + " (" + e.getMessage() + ")");
                    }
                }
                default -> {
                    // button_up, pad buttons: a click is its press; the pad's buttons are the session's controls
                }
            }
        }
        if (scroll != 0) {
            done.add(new ScrollDone(scroll));
        }
        // what is still down goes on into the next window; non-modifiers count as held through this one
        for (var e : open.entrySet()) {
            held.put(e.getKey(), e.getValue());
            if (!MODIFIERS.contains(e.getKey())) {
                done.add(new KeyDone(e.getValue().chord(), windowMs - e.getValue().start(), true, e.getValue().pressed()));
            }
        }
        sinceTyped += windowMs;
        return new Window(done, unmapped, commands, stickSeen);
    }

    /** The acts a key command may explain: printable keys no key command sends are typing, kept for the typed commands. */
    private List<Done> keyed(List<Done> done) {
        List<Done> keyed = new ArrayList<>();
        for (Done d : done) {
            if (d instanceof KeyDone k && coveredByKey(k.chord()) == null) {
                Character c = typed(k.chord());
                if (c != null && typesAnything()) {
                    if (k.pressed()) {
                        typing.append(c);
                        sinceTyped = 0;
                    }
                    continue;
                }
            }
            keyed.add(d);
        }
        return keyed;
    }

    private Match finish(SkillCall c, boolean idle, String why, List<Done> done, List<Integer> covered, List<String> unmapped, Scene scene,
                         double windowMs) {
        return finish(c, idle, why, done, covered, unmapped, scene, windowMs, new ArrayList<>(), List.of());
    }

    /** The chosen command; the rest of the window's input is either some other command's (also) or no skill's (unmapped). */
    private Match finish(SkillCall c, boolean idle, String why, List<Done> done, List<Integer> covered, List<String> unmapped, Scene scene,
                         double windowMs, List<String> also, List<Integer> alsoCovered) {
        List<String> alsoOut = new ArrayList<>(also);
        for (int i = 0; i < done.size(); i++) {
            if (covered.contains(i) || alsoCovered.contains(i)) {
                continue;
            }
            Candidate other = best(List.of(done.get(i)), scene);
            if (other != null) {
                alsoOut.add(other.e().call() + " (" + done.get(i).describe() + ")");
            } else if (!overFromEarlier(done.get(i))) {
                unmapped.add(done.get(i).describe() + ", which no skill sends");
            }
        }
        return new Match(c, idle, why + (alsoOut.isEmpty() ? "" : "; also " + String.join(", ", alsoOut)), unmapped, alsoOut);
    }

    /** The command that explains most of what was done, most closely; null when none explains any of it. */
    private Candidate best(List<Done> done, Scene scene) {
        Candidate best = null;
        for (Expectation e : expectations) {
            if (e.acts().isEmpty() || e.acts().stream().anyMatch(a -> a instanceof TypeAct)) {
                continue;
            }
            List<Integer> covered = new ArrayList<>();
            double cost = 0;
            StringBuilder why = new StringBuilder();
            int from = 0;
            boolean all = true;
            for (Act a : e.acts()) {
                int found = -1;
                double c = 0;
                for (int j = from; j < done.size(); j++) {
                    Double cj = cost(a, done.get(j), scene);
                    if (cj != null) {
                        found = j;
                        c = cj;
                        break;
                    }
                }
                if (found < 0) {
                    all = false;
                    break;
                }
                covered.add(found);
                cost += c;
                why.append(why.length() == 0 ? "" : ", then ").append(done.get(found).describe());
                from = found + 1;
            }
            if (!all) {
                continue;
            }
            String text = why + ": " + e.call() + " " + describe(e);
            Candidate cand = new Candidate(e, covered, cost, text);
            if (best == null || covered.size() > best.covered().size()
                    || covered.size() == best.covered().size() && (cost < best.cost() - 1e-9
                    || Math.abs(cost - best.cost()) < 1e-9 && duration(e) < duration(best.e()))) {
                best = cand;
            }
        }
        return best;
    }

    /** A key held over from an earlier window that no hold explains: its press was read there already. */
    private static boolean overFromEarlier(Done d) {
        return d instanceof KeyDone k && !k.pressed();
    }

    private static long duration(Expectation e) {
        return e.acts().stream().mapToLong(a -> a instanceof KeyAct k ? k.ms() : 0).sum();
    }

    private static String describe(Expectation e) {
        List<String> parts = new ArrayList<>();
        for (Act a : e.acts()) {
            if (a instanceof KeyAct k) {
                parts.add(k.describe());
            } else if (a instanceof ClickAct c) {
                parts.add("clicks " + c.button() + (c.entity() != null ? " at " + c.entity()
                        : c.x() != null ? String.format(Locale.ROOT, " at (%.0f,%.0f)", c.x(), c.y()) : ""));
            } else if (a instanceof ScrollAct sc) {
                parts.add("scrolls " + sc.notches());
            } else if (a instanceof TypeAct t) {
                parts.add("types '" + t.text() + "'");
            }
        }
        return String.join(", then ", parts);
    }

    /** How far what was done is from what the command sends (lower is closer), or null where it is not that at all. */
    private static Double cost(Act a, Done d, Scene scene) {
        if (a instanceof KeyAct k && d instanceof KeyDone kd) {
            // a press is a key going down; a hold, any time a key was down (nearest duration)
            return k.chord().equals(kd.chord()) && (k.ms() > 0 || kd.pressed()) ? Math.abs(k.ms() - kd.ms()) : null;
        }
        if (a instanceof ClickAct c && d instanceof ClickDone cd) {
            if (!c.button().equals(cd.button()) || c.count() != cd.count()) {
                return null;
            }
            if (c.entity() == null && c.x() == null) {
                return CLICK_TOLERANCE; // anywhere: any aimed click that fits is closer
            }
            if (cd.x() == null) {
                return null;
            }
            if (c.entity() != null) {
                Optional<Entity> e = scene == null ? Optional.empty() : scene.first(c.entity());
                if (e.isEmpty()) {
                    return null;
                }
                Entity en = e.get();
                boolean inside = Math.abs(cd.x() - en.x()) <= en.width() / 2 && Math.abs(cd.y() - en.y()) <= en.height() / 2;
                double dist = en.distanceTo(cd.x(), cd.y());
                return inside || dist <= CLICK_TOLERANCE ? dist : null;
            }
            double dist = Math.hypot(cd.x() - c.x(), cd.y() - c.y());
            return dist <= CLICK_TOLERANCE ? dist : null;
        }
        if (a instanceof ScrollAct s && d instanceof ScrollDone sd) {
            return Integer.signum(s.notches()) == Integer.signum(sd.notches()) ? 10.0 * Math.abs(s.notches() - sd.notches()) : null;
        }
        return null;
    }

    private static boolean near(ClickDone c, PersonInput.Event ev) {
        return c.x() == null || ev.x() == null || Math.hypot(c.x() - ev.x(), c.y() - ev.y()) <= 4;
    }

    /** A key command that sends exactly this chord, if any. */
    private Expectation coveredByKey(Set<String> chord) {
        for (Expectation e : expectations) {
            for (Act a : e.acts()) {
                if (a instanceof KeyAct k && k.chord().equals(chord)) {
                    return e;
                }
            }
        }
        return null;
    }

    private List<Expectation> typeCommands() {
        return expectations.stream().filter(e -> e.acts().size() == 1 && e.acts().get(0) instanceof TypeAct).toList();
    }

    private boolean typesAnything() {
        return !typeCommands().isEmpty();
    }

    private boolean isPrefix(CharSequence s) {
        return typeCommands().stream().anyMatch(e -> ((TypeAct) e.acts().get(0)).text().startsWith(s.toString()));
    }

    private static final String SHIFTED = "~!@#$%^&*()_+{}|:\"<>?";
    private static final String BASE = "`1234567890-=[]\\;',./";
    private static final List<String> BASE_KEYS = List.of("BACK_QUOTE", "1", "2", "3", "4", "5", "6", "7", "8", "9", "0", "MINUS",
            "EQUALS", "OPEN_BRACKET", "CLOSE_BRACKET", "BACK_SLASH", "SEMICOLON", "QUOTE", "COMMA", "PERIOD", "SLASH");

    /** The character a chord types on a US keyboard layout (as the desktop actuator types), or null. */
    static Character typed(Set<String> chord) {
        boolean shift = chord.contains("SHIFT");
        Set<String> rest = new LinkedHashSet<>(chord);
        rest.remove("SHIFT");
        if (rest.size() != 1) {
            return null;
        }
        String k = rest.iterator().next();
        if (k.length() == 1 && k.charAt(0) >= 'A' && k.charAt(0) <= 'Z') {
            return shift ? k.charAt(0) : Character.toLowerCase(k.charAt(0));
        }
        if (k.equals("SPACE")) {
            return shift ? null : ' ';
        }
        int i = BASE_KEYS.indexOf(k);
        if (i < 0) {
            return null;
        }
        return shift ? SHIFTED.charAt(i) : BASE.charAt(i);
    }

    /** What a command sends, as acts a person could do, its waits summed; {@code silent} stays true if it sends nothing. */
    private void expand(SkillCall call, List<Act> acts, long[] waitMs, boolean[] silent, int depth) {
        if (depth > MAX_DEPTH) {
            return;
        }
        SkillCall c = library.normalize(call);
        Skill skill = library.skill(c.skill()).orElseThrow();
        Map<String, String> b = library.bindings(c);
        Double[] pointer = null;
        String pointerAt = null;
        for (Primitive p : skill.body()) {
            if (p instanceof Primitive.Press pr) {
                Set<String> chord = chord();
                pr.keys().forEach(k -> chord.add(SkillLibrary.fill(k, b).toUpperCase(Locale.ROOT)));
                acts.add(new KeyAct(chord, 0));
                silent[0] = false;
            } else if (p instanceof Primitive.Hold h) {
                Duration d = SkillLibrary.parseDuration(SkillLibrary.fill(h.duration(), b));
                acts.add(new KeyAct(Set.of(SkillLibrary.fill(h.key(), b).toUpperCase(Locale.ROOT)), d.toMillis()));
                silent[0] = false;
            } else if (p instanceof Primitive.Type t) {
                acts.add(new TypeAct(SkillLibrary.fill(t.text(), b)));
                silent[0] = false;
            } else if (p instanceof Primitive.MouseMove m) {
                silent[0] = false;
                if (!m.relative()) {
                    pointerAt = m.entity() == null ? null : SkillLibrary.fill(m.entity(), b);
                    pointer = m.entity() != null ? null : new Double[]{number(m.x(), b), number(m.y(), b)};
                }
            } else if (p instanceof Primitive.Click k) {
                silent[0] = false;
                String button = SkillLibrary.fill(k.button(), b).toUpperCase(Locale.ROOT);
                if (k.entity() != null) {
                    acts.add(new ClickAct(button, null, null, SkillLibrary.fill(k.entity(), b), k.count()));
                } else if (k.x() != null) {
                    acts.add(new ClickAct(button, number(k.x(), b), number(k.y(), b), null, k.count()));
                } else {
                    // where the pointer is: where the body last moved it, if it did
                    acts.add(new ClickAct(button, pointer == null ? null : pointer[0], pointer == null ? null : pointer[1], pointerAt, k.count()));
                }
            } else if (p instanceof Primitive.Scroll sc) {
                acts.add(new ScrollAct(Integer.parseInt(SkillLibrary.fill(sc.notches(), b).strip())));
                silent[0] = false;
            } else if (p instanceof Primitive.Wait w) {
                waitMs[0] += SkillLibrary.parseDuration(SkillLibrary.fill(w.duration(), b)).toMillis();
            } else if (p instanceof Primitive.Publish) {
                silent[0] = false;
            } else if (p instanceof Primitive.Call call2) {
                Map<String, String> args = new LinkedHashMap<>();
                call2.args().forEach((k, v) -> args.put(k, SkillLibrary.fill(v, b)));
                expand(new SkillCall(call2.skill(), args), acts, waitMs, silent, depth + 1);
            }
            // release_all lets go: nothing a person does
        }
    }

    /** A chord's keys, modifiers first: CONTROL+S. */
    private static Set<String> chord() {
        return new TreeSet<>(Comparator.comparing((String s) -> !MODIFIERS.contains(s)).thenComparing(s -> s));
    }

    private static Double number(String text, Map<String, String> b) {
        try {
            return Double.parseDouble(SkillLibrary.fill(text, b).strip());
        } catch (RuntimeException e) {
            return null;
        }
    }
}
