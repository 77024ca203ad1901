package dev.embody.loop;

/** Module 1: turns what the agent sees into a scene of entities with positions. */
public interface InformationGathering {

    Scene gather(Observation observation, Memory memory);
}
