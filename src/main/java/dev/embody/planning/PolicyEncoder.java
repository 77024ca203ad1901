package dev.embody.planning;

import dev.embody.loop.Frame;
import dev.embody.loop.Scene;
import dev.embody.loop.Task;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * Turns what the agent sees at a step into the learned policy's input, by its spec: the one piece of code the live
 * policy reads its input with and that builds every training example (live corrections, recorded episodes), so
 * training sees what inference sees. It keeps the last frames for the stack: feed it every step, in order.
 */
public final class PolicyEncoder {

    private final InputSpec spec;
    private final Deque<byte[]> recent = new ArrayDeque<>();
    private long lastIndex = -1;

    public PolicyEncoder(InputSpec spec) {
        this.spec = spec;
    }

    public InputSpec spec() {
        return spec;
    }

    /** Forgets the frames seen (a new episode). */
    public void reset() {
        recent.clear();
        lastIndex = -1;
    }

    /**
     * The input for one step.
     *
     * @param frameIndex the frame's number in its source: a number that goes back means a new episode
     * @param scene      the perceived scene (the waypoint feature needs its terrain); may be null
     */
    public PolicyInput encode(long frameIndex, Frame frame, Task task, Object previous, Scene scene) {
        if (frameIndex <= lastIndex) {
            reset();
        }
        lastIndex = frameIndex;
        byte[] now = PolicyInput.downscale(frame, spec.width(), spec.height(), spec.crop(), spec.features().contains(InputFeature.Reading.DETAIL));
        recent.addFirst(now);
        while (recent.size() > spec.frames()) {
            recent.removeLast();
        }
        int plane = 3 * spec.plane();
        byte[] stack = new byte[spec.frames() * plane];
        int i = 0;
        byte[] oldest = now;
        for (byte[] f : recent) {
            System.arraycopy(f, 0, stack, i * plane, plane);
            oldest = f;
            i++;
        }
        for (; i < spec.frames(); i++) {
            System.arraycopy(oldest, 0, stack, i * plane, plane); // the first steps repeat the oldest frame
        }
        float tx = Float.NaN, ty = Float.NaN;
        double[] aim = aim(task, scene);
        double w = scene != null ? scene.width() : frame.width(), h = scene != null ? scene.height() : frame.height();
        if (aim != null) {
            tx = (float) (aim[0] / w);
            ty = (float) (aim[1] / h);
        }
        return new PolicyInput(stack, spec.width(), spec.height(), spec.frames(), tx, ty, task.kind() + " " + task.subtask(),
                previous == null ? null : previous.toString());
    }

    /** Where the task points: its target, or the waypoint toward it where the spec asks for one and the scene has terrain. */
    private double[] aim(Task task, Scene scene) {
        if (!task.hasTarget()) {
            return null;
        }
        if (spec.features().contains("waypoint") && scene != null) {
            Optional<double[]> w = ScenePlannerPolicy.waypoint(scene, task);
            if (w.isPresent()) {
                return w.get();
            }
        }
        return new double[]{task.targetX(), task.targetY()};
    }
}
