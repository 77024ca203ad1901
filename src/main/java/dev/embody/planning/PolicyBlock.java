package dev.embody.planning;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The learned policy's network, of DJL blocks: three small convolutions over the stacked frames and the profile's
 * extra planes; a spatial softmax (where to look, learned from pixels) pools per-pixel scores into one score per
 * command; a global average of the same features says what is on screen; a linear term adds the task's words and the
 * previous command; with position, a placed readout: a few channels per pixel, each read as its row and column
 * profiles and its keypoint, related by a hidden layer. Input: [N, channels, H, W] and [N, context]; output: a score
 * per command, [N, commands]. One output row per command, so a taught skill adds rows and keeps the old ones
 * ({@link PolicyNet#grow}).
 */
public final class PolicyBlock extends AbstractBlock {

    static final int HIDDEN = 16;
    /** Channels of the where-it-is readout, each a thing found per pixel (the player, a target, a missile). */
    static final int PLACED = 8;
    /** Units of the hidden layer that relates the placed channels (a target's column less the player's). */
    static final int RELATED = 64;

    private final int commands;
    private final Block conv1;
    private final Block conv2;
    private final Block conv3;
    private final Block attention;
    private final Block perPixel;
    private final Block global;
    private final Block context;
    /**
     * Where-it-is readout (null unless asked): a few channels per pixel, each read as its row and column profiles and its
     * keypoint, related by a hidden layer to a score per command.
     */
    private final Block squeeze;
    private final Block hidden;
    private final Block dense;

    public PolicyBlock(int commands) {
        this(commands, false);
    }

    /**
     * @param placed add a readout that keeps where each feature is (the input's "position" extra asks for it): pooling
     *               over a wide frame dilutes a two-pixel crater to nothing, and in a reflex game the place is the point
     */
    public PolicyBlock(int commands, boolean placed) {
        super((byte) 1);
        this.commands = commands;
        squeeze = placed ? addChildBlock("squeeze", Conv2d.builder().setFilters(PLACED).setKernelShape(new Shape(1, 1)).build()) : null;
        hidden = placed ? addChildBlock("hidden", Linear.builder().setUnits(RELATED).build()) : null;
        dense = placed ? addChildBlock("dense", Linear.builder().setUnits(commands).build()) : null;
        conv1 = addChildBlock("conv1", Conv2d.builder().setFilters(HIDDEN).setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).build());
        conv2 = addChildBlock("conv2", Conv2d.builder().setFilters(HIDDEN).setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).build());
        // dilated: a wider view at the same resolution
        conv3 = addChildBlock("conv3", Conv2d.builder().setFilters(HIDDEN).setKernelShape(new Shape(3, 3)).optPadding(new Shape(2, 2))
                .optDilation(new Shape(2, 2)).build());
        attention = addChildBlock("attention", Conv2d.builder().setFilters(1).setKernelShape(new Shape(1, 1)).build());
        perPixel = addChildBlock("per_pixel", Conv2d.builder().setFilters(commands).setKernelShape(new Shape(1, 1)).build());
        global = addChildBlock("global", Linear.builder().setUnits(commands).build());
        context = addChildBlock("context", Linear.builder().setUnits(commands).optBias(false).build());
        // the words and the previous command start as a nudge, not a verdict: a few examples must not be drowned by them
        context.setInitializer(new ai.djl.training.initializer.NormalInitializer(0.01f), ai.djl.nn.Parameter.Type.WEIGHT);
    }

    public int commands() {
        return commands;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray image = inputs.get(0), ctx = inputs.get(1);
        NDArray h = Activation.relu(conv1.forward(ps, new NDList(image), training).head());
        h = Activation.relu(conv2.forward(ps, new NDList(h), training).head());
        h = Activation.relu(conv3.forward(ps, new NDList(h), training).head());
        NDArray f = h.concat(image, 1);
        long n = image.getShape().get(0), hw = image.getShape().get(2) * image.getShape().get(3);
        NDArray where = attention.forward(ps, new NDList(f), training).head().reshape(n, 1, hw).softmax(2);
        NDArray scores = perPixel.forward(ps, new NDList(f), training).head().reshape(n, commands, hw);
        NDArray pooled = scores.mul(where).sum(new int[]{2});
        NDArray what = global.forward(ps, new NDList(f.mean(new int[]{3}).mean(new int[]{2})), training).head();
        NDArray words = context.forward(ps, new NDList(ctx), training).head();
        NDArray out = pooled.add(what).add(words);
        if (dense != null) {
            NDArray few = readout(squeeze.forward(ps, new NDList(f), training).head(), n, hw);
            NDArray related = Activation.relu(hidden.forward(ps, new NDList(few), training).head());
            out = out.add(dense.forward(ps, new NDList(related), training).head());
        }
        return new NDList(out);
    }

    /** Per placed channel: its column profile (W), its row profile (H), and its keypoint (x, y). */
    static long readoutSize(long height, long width) {
        return PLACED * (width + height + 2);
    }

    /**
     * The placed channels as profiles and keypoints: a relation along one axis (the target's column against the
     * player's, ten rows apart) becomes one dimension, and a keypoint's coordinates make "left of" a linear sum, where a
     * readout of the flattened pixels must pair places one by one.
     */
    private static NDArray readout(NDArray s, long n, long hw) {
        long h = s.getShape().get(2), w = s.getShape().get(3);
        NDArray r = Activation.relu(s);
        NDArray p = s.reshape(n, PLACED, hw).softmax(2).reshape(n, PLACED, h, w);
        NDArray xs = s.getManager().linspace(-1f, 1f, (int) w).reshape(1, 1, w);
        NDArray ys = s.getManager().linspace(-1f, 1f, (int) h).reshape(1, 1, h);
        return NDArrays.concat(new NDList(r.max(new int[]{2}).reshape(n, PLACED * w), r.max(new int[]{3}).reshape(n, PLACED * h),
                p.sum(new int[]{2}).mul(xs).sum(new int[]{2}), p.sum(new int[]{3}).mul(ys).sum(new int[]{2})), 1);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[]{new Shape(inputShapes[0].get(0), commands)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape image = inputShapes[0], ctx = inputShapes[1];
        long n = image.get(0), c = image.get(1), height = image.get(2), width = image.get(3);
        conv1.initialize(manager, dataType, image);
        Shape inner = new Shape(n, HIDDEN, height, width);
        conv2.initialize(manager, dataType, inner);
        conv3.initialize(manager, dataType, inner);
        Shape features = new Shape(n, HIDDEN + c, height, width);
        attention.initialize(manager, dataType, features);
        perPixel.initialize(manager, dataType, features);
        global.initialize(manager, dataType, new Shape(n, HIDDEN + c));
        context.initialize(manager, dataType, ctx);
        if (dense != null) {
            squeeze.initialize(manager, dataType, features);
            hidden.initialize(manager, dataType, new Shape(n, readoutSize(height, width)));
            dense.initialize(manager, dataType, new Shape(n, RELATED));
        }
    }
}
