package dev.embody.loop;

/** Module 5, action planning: the high-level policy that picks one command. Implementations live in planning/. */
public interface Policy {

    Decision plan(PlanningContext context);

    /** What it is, for logs and episodes: "scene-planner", "learned v3"... */
    String name();

    /** The policy over a library that grew (a skill taught at run time); a learned one grows its output, keeping old rows. */
    default Policy adapt(dev.embody.skill.SkillLibrary library) {
        return this;
    }
}
