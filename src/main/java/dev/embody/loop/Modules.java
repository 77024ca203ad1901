package dev.embody.loop;

import java.util.List;
import java.util.Objects;

/**
 * The five decision modules of one episode (memory, the sixth, lives across episodes). A profile builds them; live,
 * replay, training, evaluation and the benchmarks all take them from there. Closing releases what a module holds
 * (native buffers, a model's connection).
 */
public record Modules(InformationGathering gathering, SelfReflection reflection, TaskInference tasks, SkillCuration curation,
                      Policy policy) implements AutoCloseable {

    public Modules {
        Objects.requireNonNull(gathering, "gathering");
        Objects.requireNonNull(reflection, "reflection");
        Objects.requireNonNull(tasks, "tasks");
        Objects.requireNonNull(curation, "curation");
        Objects.requireNonNull(policy, "policy");
    }

    public Modules withPolicy(Policy p) {
        return new Modules(gathering, reflection, tasks, curation, p);
    }

    /** Each module's implementation, by role: what a test compares across commands, and what an episode records. */
    public java.util.Map<String, String> names() {
        var m = new java.util.LinkedHashMap<String, String>();
        m.put("gathering", gathering.getClass().getSimpleName());
        m.put("reflection", reflection.getClass().getSimpleName());
        m.put("tasks", tasks.getClass().getSimpleName());
        m.put("curation", curation.getClass().getSimpleName());
        m.put("policy", policy.name());
        return m;
    }

    /** Closes every module that holds something, the policy excepted (it may outlive the episode: a hot-swapped checkpoint). */
    @Override
    public void close() {
        for (Object o : List.of(gathering, reflection, tasks, curation)) {
            if (o instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    org.slf4j.LoggerFactory.getLogger(Modules.class).debug("closing {}", o.getClass().getSimpleName(), e);
                }
            }
        }
    }
}
