package dev.embody.learning;

import dev.embody.loop.AgentLoop;
import dev.embody.loop.Observation;
import dev.embody.loop.Policy;
import dev.embody.loop.Step;
import dev.embody.loop.StepListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts a new policy into a running loop without stopping it: the step being planned finishes with the old policy, the
 * next one plans with the new (so the loop waits at most one step, and in fact not at all). The old policy's native
 * memory is released only once the loop has finished a step after the swap, when nothing can be using it any more.
 */
public final class HotSwap implements StepListener {

    private static final Logger log = LoggerFactory.getLogger(HotSwap.class);

    private final AgentLoop loop;
    private Policy retiring;
    private volatile long swappedAtStep = -1;
    private long lastStep = -1;

    private HotSwap(AgentLoop loop) {
        this.loop = loop;
    }

    /** Attaches to a loop; call before or while it runs. */
    public static HotSwap attach(AgentLoop loop) {
        HotSwap h = new HotSwap(loop);
        loop.addListener(h);
        return h;
    }

    /** Swaps now, from any thread; returns the index of the last step the old policy may plan. */
    public synchronized long swap(Policy next) {
        Policy old = loop.policy();
        // the new policy goes where the old learned one was: asking the model when unsure, notes and all stay around it
        Policy placed = dev.embody.loop.PolicyAround.replaceInnermost(old, next);
        Policy replaced = dev.embody.loop.PolicyAround.innermost(old);
        loop.swapPolicy(placed);
        if (retiring != null) {
            close(retiring);
        }
        retiring = replaced == next ? null : replaced;
        swappedAtStep = lastStep + 1;
        log.info("hot swap: {} -> {} from step {}", old.name(), placed.name(), swappedAtStep + 1);
        return swappedAtStep;
    }

    @Override
    public synchronized void onStep(Step step, Observation observation) {
        lastStep = step.index();
        if (retiring != null && step.index() >= swappedAtStep) {
            close(retiring);
            retiring = null;
        }
    }

    private static void close(Policy p) {
        if (p instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                log.debug("closing {} failed", p.name(), e);
            }
        }
    }
}
