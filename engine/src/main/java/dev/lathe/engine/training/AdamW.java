package dev.lathe.engine.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.lathe.engine.safetensors.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * AdamW with decoupled weight decay (Loshchilov and Hutter), keeping its moments as arrays that a
 * checkpoint saves, so a resumed run continues exactly where the interrupted one stopped.
 */
public final class AdamW implements AutoCloseable {

  private final List<NDArray> parameters;
  private final NDManager manager;
  private final List<NDArray> firstMoments = new ArrayList<>();
  private final List<NDArray> secondMoments = new ArrayList<>();
  private final double beta1;
  private final double beta2;
  private final double epsilon;
  private final double weightDecay;
  private int step;

  public AdamW(List<NDArray> parameters, NDManager parent, double weightDecay) {
    this.parameters = List.copyOf(parameters);
    this.manager = parent.newSubManager();
    this.beta1 = 0.9;
    this.beta2 = 0.999;
    this.epsilon = 1e-8;
    this.weightDecay = weightDecay;
    for (NDArray parameter : this.parameters) {
      firstMoments.add(manager.zeros(parameter.getShape()));
      secondMoments.add(manager.zeros(parameter.getShape()));
    }
  }

  public int step() {
    return step;
  }

  /**
   * Applies the gradients the parameters hold, with learning rate {@code lr}. Call it outside any
   * gradient collector: the updates are in place and must not be recorded.
   */
  public void update(double lr) {
    step++;
    double correction1 = 1 - Math.pow(beta1, step);
    double correction2 = 1 - Math.pow(beta2, step);
    for (int i = 0; i < parameters.size(); i++) {
      NDArray parameter = parameters.get(i);
      NDArray gradient = parameter.getGradient();
      NDArray m = firstMoments.get(i);
      NDArray v = secondMoments.get(i);
      m.muli(beta1).addi(gradient.mul(1 - beta1));
      v.muli(beta2).addi(gradient.square().muli(1 - beta2));
      // The same arithmetic, in the same order, as m/c1 / (√(v/c2) + ε) · lr, with the
      // temporaries written in place: two arrays per parameter instead of six.
      NDArray denominator = v.div(correction2).sqrt().addi(epsilon);
      NDArray update = m.div(correction1).divi(denominator).muli(lr);
      if (weightDecay > 0) {
        parameter.muli(1 - lr * weightDecay);
      }
      parameter.subi(update);
      update.close();
      denominator.close();
    }
  }

  /** Scales gradients down so their global L2 norm is at most {@code maxNorm}; returns the norm. */
  public double clipGradients(double maxNorm) {
    // Each parameter's sum of squares stays native; one read brings them all back, instead of a
    // wait for the native side per parameter.
    NDList sums = new NDList(parameters.size());
    for (NDArray parameter : parameters) {
      sums.add(parameter.getGradient().square().sum());
    }
    double squared = 0;
    for (float sum : NDArrays.stack(sums).toFloatArray()) {
      squared += sum;
    }
    double norm = Math.sqrt(squared);
    if (norm > maxNorm && norm > 0) {
      for (NDArray parameter : parameters) {
        parameter.getGradient().muli(maxNorm / norm);
      }
    }
    return norm;
  }

  /** The moments and step count as tensors, for a checkpoint. */
  public List<Tensor> state() {
    List<Tensor> tensors = new ArrayList<>();
    for (int i = 0; i < parameters.size(); i++) {
      tensors.add(
          Tensor.ofFloats(
              "adamw." + i + ".m",
              firstMoments.get(i).getShape().getShape(),
              firstMoments.get(i).toFloatArray()));
      tensors.add(
          Tensor.ofFloats(
              "adamw." + i + ".v",
              secondMoments.get(i).getShape().getShape(),
              secondMoments.get(i).toFloatArray()));
    }
    tensors.add(Tensor.ofFloats("adamw.step", new long[] {1}, new float[] {step}));
    return tensors;
  }

  /** Restores {@link #state()}. */
  public void restore(Map<String, Tensor> tensors) {
    for (int i = 0; i < parameters.size(); i++) {
      firstMoments.get(i).set(tensors.get("adamw." + i + ".m").toFloats());
      secondMoments.get(i).set(tensors.get("adamw." + i + ".v").toFloats());
    }
    step = (int) tensors.get("adamw.step").toFloats()[0];
  }

  @Override
  public void close() {
    manager.close();
  }
}
