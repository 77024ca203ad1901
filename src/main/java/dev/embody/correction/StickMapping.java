package dev.embody.correction;

import dev.embody.skill.SkillCall;
import dev.embody.skill.SkillLibrary;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What a gamepad stick's four directions command on a target, as its profile declares: "left" is
 * {@code move(direction=left, amount=small)} in the grid game, {@code turn(direction=left, amount=small)} on a robot.
 * Only commands the target's skills have are kept, so the stick never sends one it lacks.
 */
public record StickMapping(Map<String, SkillCall> directions) {

    public static final java.util.List<String> DIRECTIONS = java.util.List.of("left", "right", "up", "down");

    public StickMapping {
        directions = Map.copyOf(directions);
    }

    public static StickMapping none() {
        return new StickMapping(Map.of());
    }

    /** The mapping with only the commands {@code library} has; a direction whose command it lacks is dropped. */
    public static StickMapping of(SkillLibrary library, Map<String, SkillCall> wanted) {
        Map<String, SkillCall> kept = new LinkedHashMap<>();
        wanted.forEach((dir, call) -> {
            try {
                kept.put(dir, library.normalize(call));
            } catch (IllegalArgumentException e) {
                org.slf4j.LoggerFactory.getLogger(StickMapping.class).debug("stick {}: {} is not a command here: {}", dir, call, e.getMessage());
            }
        });
        return new StickMapping(kept);
    }

    /** The command for a direction ("left", "right", "up", "down"), if this target has one. */
    public Optional<SkillCall> command(String direction) {
        return Optional.ofNullable(directions.get(direction));
    }
}
