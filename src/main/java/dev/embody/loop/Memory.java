package dev.embody.loop;

import java.util.List;

/**
 * Module 6: the recent steps, the long-term store of past ones, and the operator's standing notes. The other modules
 * read it (recent steps for reflection, notes and recollections of similar screens for task inference, curation and
 * planning) and {@link #cite} what they used, so each step records which module used what.
 */
public interface Memory {

    void remember(Step step);

    /** The last n steps of this session, oldest first. */
    List<Step> recent(int n);

    /** The k past situations (any session) whose screen looked most like this one, most similar first. */
    List<Recollection> recall(ImageSignature look, int k);

    /** Standing notes from the operator ("never press escape"), shown to the modules. */
    List<String> notes();

    void note(String text);

    /** A module says what it used from memory this step (a note, a recollection), for the step's record and the console. */
    void cite(String module, String what);

    /** The citations since the last call: the loop takes them into each step. */
    List<Citation> takeCitations();

    /** A past situation: what was done there, by whom, and how it went. */
    record Recollection(String episode, long step, String subtask, String command, String by, String reflection, double distance) {
    }

    /** What one module took from memory in one step. */
    record Citation(String module, String what) {
    }
}
