package dev.embody.loop;

import java.util.List;

/** Module 6: the recent steps, the long-term store of past ones, and the operator's standing notes. */
public interface Memory {

    void remember(Step step);

    /** The last n steps of this session, oldest first. */
    List<Step> recent(int n);

    /** The k past situations (any session) most like this scene, most similar first. */
    List<Recollection> recall(Scene scene, Task task, int k);

    /** Standing notes from the operator ("avoid the lava on the right"), shown to the modules. */
    List<String> notes();

    void note(String text);

    /** A past situation: what was done there and how it went. */
    record Recollection(String episode, long step, String subtask, String command, String reflection, double distance) {
    }
}
