package dev.embody.loop;

/** Module 5, action planning: the high-level policy that picks one command. Implementations live in planning/. */
public interface Policy {

    Decision plan(PlanningContext context);

    /** What it is, for logs and episodes: "scene-planner", "learned v3"... */
    String name();
}
