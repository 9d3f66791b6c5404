package dev.lathe.runtime.generation;

import ai.djl.ndarray.NDArray;
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

  private final Projections base;
  private final List<RowGroup> groups = new ArrayList<>();
  private final int rows;

  /** {@code adapters[row]} is that row's adapter, or null for the base alone. */
  BatchProjections(LlamaWeights weights, LoraAdapter[] adapters) {
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
    NDArray y = base.apply(layer, module, x, training);
    for (RowGroup group : groups) {
      NDArray update = group.adapter.update(layer, module, x);
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
}
