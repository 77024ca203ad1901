package dev.embody.loop;

import dev.embody.skill.SkillCall;

/**
 * What an operator told the agent, already understood: a command that overrides the policy at the next step, or
 * stop / pause / resume / single-step / a new goal / a standing note / a skill taught. {@code text} is what they said; {@code channel}
 * where it came from (terminal, web, speech, gamepad, mqtt, sim-operator).
 */
public record Intervention(Kind kind, SkillCall command, String argument, String text, String channel) {

    /** TEACH: {@code argument} is a new skill's YAML, added to the running library between steps. */
    public enum Kind { COMMAND, STOP, PAUSE, RESUME, STEP, GOAL, NOTE, TEACH }

    public static Intervention command(SkillCall call, String text, String channel) {
        return new Intervention(Kind.COMMAND, call, null, text, channel);
    }

    public static Intervention of(Kind kind, String argument, String text, String channel) {
        return new Intervention(kind, null, argument, text, channel);
    }

    /**
     * Stop and pause make the agent do less: no limiter, queue or parser may refuse or delay them (stop always wins),
     * while what moves it (a command, resume, a single step) may be limited.
     */
    public boolean halts() {
        return kind == Kind.STOP || kind == Kind.PAUSE;
    }

    /** Stop and commands cut a running hold short; the rest wait for the step to end. */
    public boolean interrupts() {
        return kind == Kind.STOP || kind == Kind.COMMAND || kind == Kind.PAUSE;
    }
}
