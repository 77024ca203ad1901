package dev.embody;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rooms depend one way (DESIGN.md, "Where things live"): a class may use the rooms below its own in {@link #ORDER},
 * never one above, so no circle between rooms can form; and only the sim game's profile (and the benchmarks) reach
 * into the sim room. The dependencies that still point the wrong way are listed by class in {@link #STILL_UPWARD} and
 * {@link #STILL_USING_SIM}: a new one fails here, and one that is gone must be struck from the list, so they only shrink.
 */
class RoomsTest {

    /** The rooms, top (cli) to bottom (file). */
    static final List<String> ORDER = List.of("cli", "bench", "fleet", "console", "profile", "sim", "learning", "episode",
            "correction", "memory", "reflection", "task", "planning", "actuation", "perception", "curation", "vlm", "loop",
            "skill", "file");

    /** Rooms that may use the sim room: the sim game's profile, and the benchmarks and demos. */
    static final Set<String> MAY_USE_SIM = Set.of("profile", "bench");

    /** "Class -> room" uses that point up {@link #ORDER}, still to be turned around (issue 22). */
    static final Set<String> STILL_UPWARD = Set.of();

    /** Classes outside {@link #MAY_USE_SIM} that still use the sim room: benchmarks, demos and sim commands to move. */
    static final Set<String> STILL_USING_SIM = Set.of();

    private static final Pattern USE = Pattern.compile("dev\\.embody\\.(\\w+)\\.[A-Z*]");

    private static Map<String, Set<String>> uses;

    /** "room.Class" -> the other rooms it names in code (comments aside); read once for the three checks. */
    static synchronized Map<String, Set<String>> uses() throws Exception {
        if (uses != null) {
            return uses;
        }
        Path root = Path.of("src/main/java/dev/embody");
        Map<String, Set<String>> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String room = root.relativize(f).getName(0).toString();
                String cls = room + "." + f.getFileName().toString().replace(".java", "");
                Set<String> rooms = new TreeSet<>();
                for (String line : Files.readAllLines(f)) {
                    String code = line.strip();
                    if (code.startsWith("*") || code.startsWith("//") || code.startsWith("/*")) {
                        continue;
                    }
                    Matcher m = USE.matcher(line);
                    while (m.find()) {
                        if (!m.group(1).equals(room)) {
                            rooms.add(m.group(1));
                        }
                    }
                }
                out.put(cls, rooms);
            }
        }
        uses = out;
        return out;
    }

    @Test
    void everyRoomIsInTheOrder() throws Exception {
        Set<String> rooms = new TreeSet<>();
        uses().forEach((cls, used) -> {
            rooms.add(cls.substring(0, cls.indexOf('.')));
            rooms.addAll(used);
        });
        assertThat(ORDER).as("DESIGN.md's rooms, top to bottom").containsAll(rooms);
    }

    @Test
    void roomsDependOneWay_downTheOrder() throws Exception {
        Set<String> upward = new TreeSet<>();
        uses().forEach((cls, used) -> {
            int from = ORDER.indexOf(cls.substring(0, cls.indexOf('.')));
            for (String r : used) {
                if (ORDER.indexOf(r) < from) {
                    upward.add(cls + " -> " + r);
                }
            }
        });
        List<String> added = new ArrayList<>(upward);
        added.removeAll(STILL_UPWARD);
        assertThat(added).as("uses that point up the rooms' order (a room may use only those below it: " + ORDER + ")").isEmpty();
        List<String> gone = new ArrayList<>(STILL_UPWARD);
        gone.removeAll(upward);
        assertThat(gone).as("turned around: strike them from STILL_UPWARD").isEmpty();
    }

    @Test
    void onlyTheSimGamesProfileAndTheBenchmarksUseTheSimRoom() throws Exception {
        Set<String> using = new TreeSet<>();
        uses().forEach((cls, used) -> {
            String room = cls.substring(0, cls.indexOf('.'));
            if (used.contains("sim") && !MAY_USE_SIM.contains(room)) {
                using.add(cls);
            }
        });
        List<String> added = new ArrayList<>(using);
        added.removeAll(STILL_USING_SIM);
        assertThat(added).as("new uses of the sim room outside " + MAY_USE_SIM + ": let the sim game's profile supply it").isEmpty();
        List<String> gone = new ArrayList<>(STILL_USING_SIM);
        gone.removeAll(using);
        assertThat(gone).as("no longer use the sim room: strike them from STILL_USING_SIM").isEmpty();
    }
}
