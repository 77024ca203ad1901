package dev.embody.correction;

import dev.embody.loop.Intervention;
import dev.embody.skill.SkillCall;

import java.util.Optional;

/**
 * How a sentence from the operator was understood: a command, stop / pause / resume / step, a new goal, a standing
 * note, or not understood (or ambiguous), with a short explanation an operator can read.
 *
 * @param command    the command, for {@link Kind#COMMAND}
 * @param argument   the goal or note text, for {@link Kind#GOAL} and {@link Kind#NOTE}; the skill's YAML for {@link Kind#TEACH}
 * @param confidence 0..1: how sure the parser is (exact phrase 1.0, typos and fillers less)
 */
public record Understanding(Kind kind, SkillCall command, String argument, String text, String explanation, double confidence) {

    public enum Kind { COMMAND, STOP, PAUSE, RESUME, STEP, GOAL, NOTE, TEACH, NOT_UNDERSTOOD, AMBIGUOUS }

    public boolean understood() {
        return kind != Kind.NOT_UNDERSTOOD && kind != Kind.AMBIGUOUS;
    }

    /**
     * What it means, as one line that sentences meaning the same share: "COMMAND move(direction=left, amount=small)",
     * "STOP", "PAUSE", "GOAL reach the flag", "NOT_UNDERSTOOD".
     */
    public String meaning() {
        return kind + (command == null ? "" : " " + command) + (argument == null ? "" : " " + argument);
    }

    /** What the loop should do with it, from a channel ("terminal", "web", "speech", "mqtt", "sim-operator"); empty when not understood. */
    public Optional<Intervention> toIntervention(String channel) {
        return switch (kind) {
            case COMMAND -> Optional.of(Intervention.command(command, text, channel));
            case STOP -> Optional.of(Intervention.of(Intervention.Kind.STOP, null, text, channel));
            case PAUSE -> Optional.of(Intervention.of(Intervention.Kind.PAUSE, null, text, channel));
            case RESUME -> Optional.of(Intervention.of(Intervention.Kind.RESUME, null, text, channel));
            case STEP -> Optional.of(Intervention.of(Intervention.Kind.STEP, null, text, channel));
            case GOAL -> Optional.of(Intervention.of(Intervention.Kind.GOAL, argument, text, channel));
            case NOTE -> Optional.of(Intervention.of(Intervention.Kind.NOTE, argument, text, channel));
            case TEACH -> Optional.of(Intervention.of(Intervention.Kind.TEACH, argument, text, channel));
            case NOT_UNDERSTOOD, AMBIGUOUS -> Optional.empty();
        };
    }
}
