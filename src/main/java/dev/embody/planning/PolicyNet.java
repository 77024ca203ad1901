package dev.embody.planning;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslateException;
import ai.djl.translate.TranslatorContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

/**
 * The learned policy's network as a DJL {@link Model} over a {@link PolicyBlock}, for one input spec and one command
 * list: inference through a {@link Predictor} (a batch of inputs to a distribution over the commands each), training
 * through DJL's Trainer on {@link #model()}, saving and loading its parameters, a deep copy to fine-tune while the copy
 * in the loop keeps acting, and a larger network for a larger command list that keeps what was learned. PyTorch engine;
 * the GPU when DJL finds one (the pom's {@code gpu} profile), else the CPU, and the log says which.
 */
public final class PolicyNet implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PolicyNet.class);
    private static volatile boolean deviceLogged;

    static {
        // small tensors: more threads only add hand-offs, and the machine is shared
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

    private final InputSpec spec;
    private final int commands;
    private final Model model;
    private final PolicyBlock block;
    private Predictor<List<PolicyInput>, float[][]> predictor;
    private List<String> names;

    private PolicyNet(InputSpec spec, int commands, Model model, PolicyBlock block) {
        this.spec = spec;
        this.commands = commands;
        this.model = model;
        this.block = block;
    }

    /** The GPU when DJL's engine reports one, else the CPU. */
    public static Device device() {
        return Engine.getInstance().getGpuCount() > 0 ? Device.gpu() : Device.cpu();
    }

    /** The device, logged once with why: what the log says about where the policy runs. */
    public static Device deviceLogged() {
        Device d = device();
        if (!deviceLogged) {
            deviceLogged = true;
            log.info("learned policy network on {} ({} engine {}, {} GPU(s) found)", d.isGpu() ? "GPU " + d : "CPU",
                    Engine.getInstance().getEngineName(), Engine.getInstance().getVersion(), Engine.getInstance().getGpuCount());
        }
        return d;
    }

    /** A fresh network, initialised from {@code seed}. */
    public static PolicyNet create(InputSpec spec, int commands, long seed) {
        Engine.getInstance().setRandomSeed((int) seed);
        PolicyNet net = blank(spec, commands);
        net.block.initialize(net.model.getNDManager(), DataType.FLOAT32, net.inputShapes(1));
        return net;
    }

    private static PolicyNet blank(InputSpec spec, int commands) {
        Model m = Model.newInstance("embody-policy", deviceLogged(), "PyTorch");
        PolicyBlock b = new PolicyBlock(commands, spec.features().contains("position"));
        m.setBlock(b);
        return new PolicyNet(spec, commands, m, b);
    }

    /** The shapes of a batch of n: image planes and context. */
    public Shape[] inputShapes(int n) {
        return new Shape[]{new Shape(n, spec.channels(), spec.height(), spec.width()), new Shape(n, PolicyInput.contextSize(spec, commands))};
    }

    public InputSpec spec() {
        return spec;
    }

    public int commands() {
        return commands;
    }

    /** The DJL model, for a Trainer. */
    public Model model() {
        return model;
    }

    /** A batch of inputs as the two arrays the block takes, on {@code m}'s device. */
    public NDList batch(NDManager m, List<PolicyInput> inputs, List<String> commandNames) {
        int n = inputs.size(), img = spec.channels() * spec.plane(), ctx = PolicyInput.contextSize(spec, commandNames.size());
        float[] images = new float[n * img];
        float[] contexts = new float[n * ctx];
        for (int i = 0; i < n; i++) {
            inputs.get(i).writeImage(spec, images, i * img);
            inputs.get(i).writeContext(spec, contexts, i * ctx, commandNames);
        }
        return new NDList(m.create(images, new Shape(n, spec.channels(), spec.height(), spec.width())), m.create(contexts, new Shape(n, ctx)));
    }

    /** The distribution over the commands for each input (softmax of the block's scores), through a Predictor. */
    public synchronized float[][] probabilities(List<PolicyInput> inputs, List<String> commandNames) {
        if (predictor == null || !commandNames.equals(names)) {
            if (predictor != null) {
                predictor.close();
            }
            names = List.copyOf(commandNames);
            predictor = model.newPredictor(new Batch(this, names));
        }
        try {
            return predictor.predict(inputs);
        } catch (TranslateException e) {
            throw new IllegalStateException("the policy network failed: " + e.getMessage(), e);
        }
    }

    /** Inputs to probabilities: the spec's planes in, a softmax out. */
    private record Batch(PolicyNet net, List<String> names) implements NoBatchifyTranslator<List<PolicyInput>, float[][]> {
        @Override
        public NDList processInput(TranslatorContext ctx, List<PolicyInput> inputs) {
            return net.batch(ctx.getNDManager(), inputs, names);
        }

        @Override
        public float[][] processOutput(TranslatorContext ctx, NDList list) {
            NDArray p = list.head().softmax(1);
            int n = (int) p.getShape().get(0), k = (int) p.getShape().get(1);
            float[] flat = p.toFloatArray();
            float[][] out = new float[n][k];
            for (int i = 0; i < n; i++) {
                System.arraycopy(flat, i * k, out[i], 0, k);
            }
            return out;
        }
    }

    /** A deep copy with its own model: train it while this one keeps acting. */
    public PolicyNet copy() {
        PolicyNet next = blank(spec, commands);
        next.block.initialize(next.model.getNDManager(), DataType.FLOAT32, next.inputShapes(1));
        for (var child : block.getChildren()) {
            Block to = next.block.getChildren().get(child.getKey()); // children are named alike in two blocks of one shape
            for (var p : child.getValue().getParameters()) {
                to.getParameters().get(p.getKey()).getArray().set(p.getValue().getArray().toFloatArray());
            }
        }
        return next;
    }

    /**
     * The network for a larger command list: rows of commands it knew are copied (so what it learned stays), new ones
     * start at zero weight and a low bias, so until trained they are rarely chosen.
     *
     * @param mapping for each new command, its row in this network, or -1 for a new command
     */
    public PolicyNet grow(int[] mapping) {
        int k = mapping.length;
        PolicyNet next = create(spec, k, 7);
        for (String name : List.of("conv1", "conv2", "conv3", "attention")) {
            for (var p : child(this, name).getParameters()) {
                array(next, name, p.getKey()).set(p.getValue().getArray().toFloatArray());
            }
        }
        float[] ppw = array(this, "per_pixel", "weight").toFloatArray(), ppb = array(this, "per_pixel", "bias").toFloatArray();
        float[] gw = array(this, "global", "weight").toFloatArray(), gb = array(this, "global", "bias").toFloatArray();
        float[] cw = array(this, "context", "weight").toFloatArray();
        int feat = (int) array(this, "global", "weight").getShape().get(1);
        int oldCtx = PolicyInput.contextSize(spec, commands), newCtx = PolicyInput.contextSize(spec, k), words = spec.words();
        float[] nppw = new float[k * feat], nppb = new float[k], ngw = new float[k * feat], ngb = new float[k], ncw = new float[k * newCtx];
        float low = Float.MAX_VALUE;
        for (float b : ppb) {
            low = Math.min(low, b);
        }
        for (int i = 0; i < k; i++) {
            int old = mapping[i];
            if (old < 0) {
                nppb[i] = low - 2f;
                continue;
            }
            System.arraycopy(ppw, old * feat, nppw, i * feat, feat);
            nppb[i] = ppb[old];
            System.arraycopy(gw, old * feat, ngw, i * feat, feat);
            ngb[i] = gb[old];
            // context columns: the words keep their place; the previous-command one-hot follows the mapping
            System.arraycopy(cw, old * oldCtx, ncw, i * newCtx, words);
            for (int j = 0; j < k; j++) {
                if (mapping[j] >= 0) {
                    ncw[i * newCtx + words + j] = cw[old * oldCtx + words + mapping[j]];
                }
            }
            ncw[i * newCtx + words + k] = cw[old * oldCtx + words + commands];
        }
        array(next, "per_pixel", "weight").set(nppw);
        array(next, "per_pixel", "bias").set(nppb);
        array(next, "global", "weight").set(ngw);
        array(next, "global", "bias").set(ngb);
        array(next, "context", "weight").set(ncw);
        if (spec.features().contains("position")) {
            for (String name : List.of("squeeze", "hidden")) {
                for (var p : child(this, name).getParameters()) {
                    array(next, name, p.getKey()).set(p.getValue().getArray().toFloatArray());
                }
            }
            float[] dw = array(this, "dense", "weight").toFloatArray(), db = array(this, "dense", "bias").toFloatArray();
            int flat = (int) array(this, "dense", "weight").getShape().get(1);
            float[] ndw = new float[k * flat], ndb = new float[k];
            for (int i = 0; i < k; i++) {
                if (mapping[i] >= 0) {
                    System.arraycopy(dw, mapping[i] * flat, ndw, i * flat, flat);
                    ndb[i] = db[mapping[i]];
                }
            }
            array(next, "dense", "weight").set(ndw);
            array(next, "dense", "bias").set(ndb);
        }
        return next;
    }

    private static NDArray array(PolicyNet net, String child, String param) {
        Parameter p = child(net, child).getParameters().get(param);
        return p.getArray();
    }

    /** A child block by the name it was added under (DJL prefixes its position: "01conv1"). */
    private static Block child(PolicyNet net, String name) {
        for (var c : net.block.getChildren()) {
            if (c.getKey().endsWith(name)) {
                return c.getValue();
            }
        }
        throw new IllegalStateException("no block '" + name + "' in the policy network");
    }

    public void save(OutputStream out) throws IOException {
        DataOutputStream data = new DataOutputStream(out);
        block.saveParameters(data);
        data.flush();
    }

    /**
     * The network a checkpoint holds, for the spec and command count its checkpoint.json records.
     *
     * @throws IOException the parameters are not this network's (another shape, a torn file)
     */
    public static PolicyNet load(InputStream in, InputSpec spec, int commands) throws IOException {
        PolicyNet net = blank(spec, commands);
        try {
            net.block.initialize(net.model.getNDManager(), DataType.FLOAT32, net.inputShapes(1));
            net.block.loadParameters(net.model.getNDManager(), new DataInputStream(in));
        } catch (MalformedModelException | RuntimeException e) {
            net.close();
            throw new IOException("not the parameters of a " + commands + "-command network for " + spec + " (" + e.getMessage()
                    + "); a checkpoint written by an earlier version of the network does not load: train a new one (./run train --from untrained)", e);
        }
        return net;
    }

    @Override
    public synchronized void close() {
        if (predictor != null) {
            predictor.close();
            predictor = null;
        }
        model.close();
    }
}
