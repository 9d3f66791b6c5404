package dev.lathe.runtime.generation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import dev.lathe.engine.lora.LoraAdapter;
import dev.lathe.engine.model.LlamaWeights;
import dev.lathe.engine.model.Projections;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The base projections for a whole batch, plus each row's own LoRA adapter (as LoRAX serves many
 * adapters on one base): the base matmul is shared, and every adapter present adds its low-rank
 * update to its rows only. An instance serves one forward pass (its row masks live in that pass's
 * scope).
 */
final class BatchProjections implements Projections {

  /** One adapter's rows; its mask array is made on first use and serves every layer. */
  private static final class RowGroup {
    final LoraAdapter adapter;
    final float[] mask;
    final boolean everyRow;
    NDArray maskArray;

    RowGroup(LoraAdapter adapter, float[] mask, boolean everyRow) {
      this.adapter = adapter;
      this.mask = mask;
      this.everyRow = everyRow;
    }
  }

  private final LlamaWeights weights;
  private final Projections base;
  private final List<RowGroup> groups = new ArrayList<>();
  private final int rows;

  /** {@code adapters[row]} is that row's adapter, or null for the base alone. */
  BatchProjections(LlamaWeights weights, LoraAdapter[] adapters) {
    this.weights = weights;
    this.base = Projections.plain(weights);
    this.rows = adapters.length;
    Map<LoraAdapter, float[]> masks = new IdentityHashMap<>();
    for (int row = 0; row < adapters.length; row++) {
      if (adapters[row] != null) {
        masks.computeIfAbsent(adapters[row], a -> new float[rows])[row] = 1f;
      }
    }
    masks.forEach(
        (adapter, mask) -> {
          boolean all = true;
          for (float m : mask) {
            all &= m == 1f;
          }
          groups.add(new RowGroup(adapter, mask, all));
        });
  }

  @Override
  public NDArray apply(int layer, String module, NDArray x, boolean training) {
    return withUpdates(base.apply(layer, module, x, training), layer, new String[] {module}, x);
  }

  @Override
  public NDArray queryKeyValue(int layer, NDArray x) {
    return withUpdates(base.queryKeyValue(layer, x), layer, Projections.QUERY_KEY_VALUE, x);
  }

  @Override
  public NDArray gateUp(int layer, NDArray x) {
    return withUpdates(base.gateUp(layer, x), layer, Projections.GATE_UP, x);
  }

  /**
   * y (the base output of {@code modules}, concatenated) plus each adapter's updates of those
   * modules on its rows; a module an adapter leaves alone adds zeros in its place.
   */
  private NDArray withUpdates(NDArray y, int layer, String[] modules, NDArray x) {
    for (RowGroup group : groups) {
      NDArray update = update(group.adapter, layer, modules, x);
      if (update == null) {
        continue;
      }
      if (!group.everyRow) {
        if (group.maskArray == null) {
          group.maskArray = x.getManager().create(group.mask, new Shape(rows, 1, 1));
        }
        update = update.mul(group.maskArray);
      }
      y = y.add(update);
    }
    return y;
  }

  private NDArray update(LoraAdapter adapter, int layer, String[] modules, NDArray x) {
    NDArray[] parts = new NDArray[modules.length];
    boolean any = false;
    for (int m = 0; m < modules.length; m++) {
      parts[m] = adapter.update(layer, modules[m], x);
      any |= parts[m] != null;
    }
    if (!any) {
      return null;
    }
    if (modules.length == 1) {
      return parts[0];
    }
    NDList joined = new NDList(modules.length);
    for (int m = 0; m < modules.length; m++) {
      joined.add(parts[m] != null ? parts[m] : zeros(layer, modules[m], x));
    }
    return NDArrays.concat(joined, -1);
  }

  private NDArray zeros(int layer, String module, NDArray x) {
    long[] shape = x.getShape().getShape().clone();
    shape[shape.length - 1] =
        weights.get("model.layers." + layer + "." + module + ".weight").getShape().get(0);
    return x.getManager().zeros(new Shape(shape), x.getDataType());
  }
}
