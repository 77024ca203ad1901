package dev.embody.learning;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;

/**
 * The policy's training loss, a DJL {@link Loss}: cross-entropy against a smoothed one-hot label (a few examples must
 * not make the policy certain), each example weighted by where its label came from (a correction counts more than a
 * demonstration step). Labels are [one-hot smoothed, weights]; predictions are the block's raw scores.
 */
public final class WeightedCrossEntropy extends Loss {

    public WeightedCrossEntropy() {
        super("weighted_cross_entropy");
    }

    @Override
    public NDArray evaluate(NDList labels, NDList predictions) {
        NDArray target = labels.get(0), weights = labels.get(1);
        NDArray nll = predictions.head().logSoftmax(1).mul(target).sum(new int[]{1}).neg();
        return nll.mul(weights).sum().div(weights.sum());
    }
}
