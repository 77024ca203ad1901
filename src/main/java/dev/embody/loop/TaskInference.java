package dev.embody.loop;

/** Module 3: from the goal to the current subtask, re-planned on reflection. */
public interface TaskInference {

    Task infer(Goal goal, Scene scene, Reflection reflection, Memory memory);
}
