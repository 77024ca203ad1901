package dev.embody.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Every kind of target the CLI can drive, by --target name. A new kind adds one line here. */
final class TargetKinds {

    private static final Map<String, TargetKind> KINDS = new LinkedHashMap<>();

    static {
        add(new SimGameKind());
        add(new DesktopKind());
        add(new SimRobotKind());
        add(new RobotKind());
    }

    private TargetKinds() {
    }

    private static void add(TargetKind kind) {
        KINDS.put(kind.name(), kind);
    }

    static Optional<TargetKind> of(String name) {
        return Optional.ofNullable(KINDS.get(name));
    }

    static List<String> names() {
        return List.copyOf(KINDS.keySet());
    }
}
