package dev.embody.planning;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The learned policy's network, as plain DJL NDArrays on the PyTorch engine: three small convolutions over the
 * downscaled frame and the task's target channels; a spatial softmax (learned from pixels: where the player is) pools
 * per-pixel action scores into one score per command; a linear term adds the task's words and the previous command.
 * One output row per command, so adding skills adds rows and keeps the old ones.
 */
public final class PolicyNet implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PolicyNet.class);
    static final int HIDDEN = 16;
    static final String[] NAMES = {"c1w", "c1b", "c2w", "c2b", "c3w", "c3b", "aw", "ab", "ow", "ob", "cw"};

    private final NDManager manager;
    private final Map<String, NDArray> params;
    private final int commands;

    static {
        // tiny tensors: more threads only add hand-offs, and the machine is shared
        if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", "1");
        }
        if (System.getProperty("ai.djl.pytorch.num_interop_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
        if (System.getProperty("ai.djl.pytorch.graph_optimizer") == null) {
            System.setProperty("ai.djl.pytorch.graph_optimizer", "false");
        }
    }

    private PolicyNet(NDManager manager, Map<String, NDArray> params, int commands) {
        this.manager = manager;
        this.params = params;
        this.commands = commands;
    }

    /** The GPU when DJL's engine reports one, else the CPU; says which. */
    public static Device device() {
        Engine engine = Engine.getInstance();
        Device d = engine.getGpuCount() > 0 ? Device.gpu() : Device.cpu();
        return d;
    }

    /** Logs, once, which device the learned policy runs on and why. */
    public static Device deviceLogged() {
        Device d = device();
        log.info("learned policy network on {} ({} engine {}, {} GPU(s) found)", d.isGpu() ? "GPU " + d : "CPU",
                Engine.getInstance().getEngineName(), Engine.getInstance().getVersion(), Engine.getInstance().getGpuCount());
        return d;
    }


    /** A fresh network for {@code commands} outputs, initialised from {@code seed}. */
    public static PolicyNet create(int commands, long seed) {
        Device d = deviceLogged();
        NDManager m = NDManager.newBaseManager(d);
        Random r = new Random(seed);
        int in = PolicyInput.CHANNELS, feat = HIDDEN + in, ctx = PolicyInput.contextSize(commands);
        Map<String, NDArray> p = new LinkedHashMap<>();
        p.put("c1w", normal(m, r, new Shape(HIDDEN, in, 3, 3), Math.sqrt(2.0 / (in * 9))));
        p.put("c1b", m.zeros(new Shape(HIDDEN)));
        p.put("c2w", normal(m, r, new Shape(HIDDEN, HIDDEN, 3, 3), Math.sqrt(2.0 / (HIDDEN * 9))));
        p.put("c2b", m.zeros(new Shape(HIDDEN)));
        p.put("c3w", normal(m, r, new Shape(HIDDEN, HIDDEN, 3, 3), Math.sqrt(2.0 / (HIDDEN * 9))));
        p.put("c3b", m.zeros(new Shape(HIDDEN)));
        p.put("aw", attentionPrior(m, r, feat));
        p.put("ab", m.zeros(new Shape(1)));
        p.put("ow", normal(m, r, new Shape(commands, feat, 1, 1), Math.sqrt(1.0 / feat)));
        p.put("ob", m.zeros(new Shape(commands)));
        p.put("cw", normal(m, r, new Shape(commands, ctx), 0.01));
        return new PolicyNet(m, p, commands);
    }

    /**
     * The colour the agent is drawn in: the attention over pixels starts out looking for it (a colour-opponent filter,
     * so grey walls and the dark floor score zero). Only a starting point: the attention is trained with the rest.
     */
    static final float[] AGENT_RGB = {40, 110, 245};
    private static final float PRIOR_SHARPNESS = 60f;

    private static NDArray attentionPrior(NDManager m, Random r, int feat) {
        float[] v = new float[feat];
        for (int i = 0; i < HIDDEN; i++) {
            v[i] = (float) (r.nextGaussian() * 0.01);
        }
        float mean = (AGENT_RGB[0] + AGENT_RGB[1] + AGENT_RGB[2]) / 3, norm = 0;
        for (int i = 0; i < 3; i++) {
            norm += (AGENT_RGB[i] - mean) * (AGENT_RGB[i] - mean);
        }
        norm = (float) Math.sqrt(norm);
        for (int i = 0; i < 3; i++) {
            v[HIDDEN + i] = PRIOR_SHARPNESS * (AGENT_RGB[i] - mean) / norm;
        }
        return m.create(v, new Shape(1, feat, 1, 1));
    }

    private static NDArray normal(NDManager m, Random r, Shape shape, double std) {
        float[] v = new float[(int) shape.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (r.nextGaussian() * std);
        }
        return m.create(v, shape);
    }

    public int commands() {
        return commands;
    }

    public NDManager manager() {
        return manager;
    }

    /** The parameters by name, in a fixed order (the trainer updates them in place). */
    public Map<String, NDArray> parameters() {
        return params;
    }

    /**
     * Scores before softmax.
     *
     * @param image   [N, CHANNELS, HEIGHT, WIDTH]
     * @param context [N, contextSize(commands)]
     * @return [N, commands]
     */
    public NDArray forward(NDArray image, NDArray context) {
        NDArray h = Conv2d.conv2d(image, params.get("c1w"), params.get("c1b"), new Shape(1, 1), new Shape(1, 1), new Shape(1, 1)).head();
        h = Activation.relu(h);
        h = Conv2d.conv2d(h, params.get("c2w"), params.get("c2b"), new Shape(1, 1), new Shape(1, 1), new Shape(1, 1)).head();
        h = Activation.relu(h);
        h = Conv2d.conv2d(h, params.get("c3w"), params.get("c3b"), new Shape(1, 1), new Shape(2, 2), new Shape(2, 2)).head();
        h = Activation.relu(h);
        NDArray f = h.concat(image, 1);
        long n = image.getShape().get(0), hw = (long) PolicyInput.WIDTH * PolicyInput.HEIGHT;
        NDArray attention = Conv2d.conv2d(f, params.get("aw"), params.get("ab")).head().reshape(n, 1, hw).softmax(2);
        NDArray perPixel = Conv2d.conv2d(f, params.get("ow"), params.get("ob")).head().reshape(n, commands, hw);
        NDArray pooled = perPixel.mul(attention).sum(new int[]{2});
        return pooled.add(context.matMul(params.get("cw").transpose()));
    }

    /** Batches inputs into the two arrays {@link #forward} takes, on this network's device. */
    public NDList batch(NDManager m, List<PolicyInput> inputs, List<String> commandNames) {
        int n = inputs.size(), img = PolicyInput.CHANNELS * PolicyInput.WIDTH * PolicyInput.HEIGHT;
        int ctx = PolicyInput.contextSize(commandNames.size());
        float[] images = new float[n * img];
        float[] contexts = new float[n * ctx];
        for (int i = 0; i < n; i++) {
            inputs.get(i).writeImage(images, i * img);
            inputs.get(i).writeContext(contexts, i * ctx, commandNames);
        }
        return new NDList(m.create(images, new Shape(n, PolicyInput.CHANNELS, PolicyInput.HEIGHT, PolicyInput.WIDTH)),
                m.create(contexts, new Shape(n, ctx)));
    }

    /** A deep copy (its own manager), e.g. to train while the copy in the loop keeps acting. */
    public PolicyNet copy() {
        NDManager m = NDManager.newBaseManager(manager.getDevice());
        Map<String, NDArray> p = new LinkedHashMap<>();
        params.forEach((k, v) -> p.put(k, m.create(v.toFloatArray(), v.getShape())));
        return new PolicyNet(m, p, commands);
    }

    /**
     * The network for a larger command list: rows of commands it already knew are copied (so what it learned stays),
     * new ones start at zero weight and a low bias, so until trained they are rarely chosen.
     *
     * @param mapping for each new command, its row in this network, or -1 for a new command
     */
    public PolicyNet grow(int[] mapping) {
        int k = mapping.length;
        PolicyNet next = create(k, 7);
        Map<String, NDArray> np = next.params;
        for (String name : new String[]{"c1w", "c1b", "c2w", "c2b", "c3w", "c3b", "aw", "ab"}) {
            np.get(name).set(params.get(name).toFloatArray());
        }
        float[] ow = params.get("ow").toFloatArray(), ob = params.get("ob").toFloatArray(), cw = params.get("cw").toFloatArray();
        int feat = HIDDEN + PolicyInput.CHANNELS, oldCtx = PolicyInput.contextSize(commands), newCtx = PolicyInput.contextSize(k);
        float[] now = new float[k * feat], nob = new float[k], ncw = new float[k * newCtx];
        float minBias = Float.MAX_VALUE;
        for (float b : ob) {
            minBias = Math.min(minBias, b);
        }
        for (int i = 0; i < k; i++) {
            int old = mapping[i];
            if (old < 0) {
                nob[i] = minBias - 2f;
                continue;
            }
            System.arraycopy(ow, old * feat, now, i * feat, feat);
            nob[i] = ob[old];
            // context columns: the words keep their place; the previous-command one-hot follows the mapping
            System.arraycopy(cw, old * oldCtx, ncw, i * newCtx, PolicyInput.WORDS);
            for (int j = 0; j < k; j++) {
                if (mapping[j] >= 0) {
                    ncw[i * newCtx + PolicyInput.WORDS + j] = cw[old * oldCtx + PolicyInput.WORDS + mapping[j]];
                }
            }
            ncw[i * newCtx + PolicyInput.WORDS + k] = cw[old * oldCtx + PolicyInput.WORDS + commands];
        }
        np.get("ow").set(now);
        np.get("ob").set(nob);
        np.get("cw").set(ncw);
        return next;
    }

    public void save(OutputStream out) throws IOException {
        NDList list = new NDList();
        for (String name : NAMES) {
            NDArray a = params.get(name);
            a.setName(name);
            list.add(a);
        }
        list.encode(out);
    }

    public static PolicyNet load(InputStream in, int commands) throws IOException {
        Device d = deviceLogged();
        NDManager m = NDManager.newBaseManager(d);
        NDList list = NDList.decode(m, in.readAllBytes());
        if (list.size() != NAMES.length) {
            m.close();
            throw new IOException("expected " + NAMES.length + " parameter arrays, found " + list.size());
        }
        Map<String, NDArray> p = new LinkedHashMap<>();
        for (int i = 0; i < NAMES.length; i++) {
            p.put(NAMES[i], list.get(i));
        }
        long rows = p.get("ob").getShape().get(0);
        if (rows != commands) {
            m.close();
            throw new IOException("the parameters have " + rows + " command rows, the checkpoint lists " + commands + " commands");
        }
        return new PolicyNet(m, p, commands);
    }

    public static PolicyNet load(byte[] bytes, int commands) throws IOException {
        return load(new ByteArrayInputStream(bytes), commands);
    }

    public List<String> parameterNames() {
        return new ArrayList<>(params.keySet());
    }

    @Override
    public void close() {
        manager.close();
    }
}
