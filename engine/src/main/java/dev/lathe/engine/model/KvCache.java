package dev.lathe.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;

/**
 * Keys and values of every layer for the tokens seen so far, so that generating a token attends to
 * the past without recomputing it. Arrays are [batch, kvHeads, positions, headDim].
 */
public final class KvCache implements AutoCloseable {

  private final NDManager manager;
  private final NDArray[] keys;
  private final NDArray[] values;
  private int length;

  public KvCache(NDManager parent, int layers) {
    this.manager = parent.newSubManager();
    this.keys = new NDArray[layers];
    this.values = new NDArray[layers];
  }

  /** How many positions are cached. */
  public int length() {
    return length;
  }

  /** Appends this step's keys and values for a layer and returns the whole history. */
  NDArray[] append(int layer, NDArray newKeys, NDArray newValues) {
    NDArray k = keys[layer] == null ? newKeys : keys[layer].concat(newKeys, 2);
    NDArray v = values[layer] == null ? newValues : values[layer].concat(newValues, 2);
    // The history outlives the step's scope (see NDScope): keep it out of it.
    NDScope.unregister(k, v);
    k.attach(manager);
    v.attach(manager);
    if (keys[layer] != null && keys[layer] != k) {
      keys[layer].close();
      values[layer].close();
    }
    keys[layer] = k;
    values[layer] = v;
    return new NDArray[] {k, v};
  }

  /** Called once per forward step, after every layer appended. */
  void advance(int positions) {
    length += positions;
  }

  /** How many sequences (batch rows) are cached. */
  public int rows() {
    return keys[0] == null ? 0 : (int) keys[0].getShape().get(0);
  }

  /** Keeps only the given batch rows, in that order (sequences that finished are dropped). */
  public void keepRows(int[] rows) {
    if (keys[0] == null) {
      return;
    }
    long[] indices = new long[rows.length];
    for (int i = 0; i < rows.length; i++) {
      indices[i] = rows[i];
    }
    try (NDManager scratch = manager.newSubManager()) {
      NDArray index = scratch.create(indices);
      for (int layer = 0; layer < keys.length; layer++) {
        replace(layer, keys[layer].get(index), values[layer].get(index));
      }
    }
  }

  /**
   * Adds the rows of another cache after this one's. The shorter side is padded with zeros on the
   * left so both have the longer length; callers mask that padding (see LlamaModel's leftPadding).
   * The other cache is left empty-handed: its arrays now belong to this one.
   */
  public void appendRows(KvCache other) {
    if (other.keys[0] == null) {
      return;
    }
    if (keys[0] == null) {
      for (int layer = 0; layer < keys.length; layer++) {
        replace(layer, other.keys[layer].duplicate(), other.values[layer].duplicate());
      }
      length = other.length;
      return;
    }
    int longest = Math.max(length, other.length);
    for (int layer = 0; layer < keys.length; layer++) {
      NDArray k =
          padLeft(keys[layer], longest - length)
              .concat(padLeft(other.keys[layer], longest - other.length), 0);
      NDArray v =
          padLeft(values[layer], longest - length)
              .concat(padLeft(other.values[layer], longest - other.length), 0);
      replace(layer, k, v);
    }
    length = longest;
  }

  /** Drops the first positions of every row: padding that no remaining row needs any more. */
  public void dropLeading(int positions) {
    if (positions <= 0 || keys[0] == null) {
      return;
    }
    for (int layer = 0; layer < keys.length; layer++) {
      replace(
          layer,
          keys[layer].get(":, :, " + positions + ":, :"),
          values[layer].get(":, :, " + positions + ":, :"));
    }
    length -= positions;
  }

  private static NDArray padLeft(NDArray history, int positions) {
    if (positions == 0) {
      return history;
    }
    long[] shape = history.getShape().getShape().clone();
    shape[2] = positions;
    NDArray zeros =
        history.getManager().zeros(new ai.djl.ndarray.types.Shape(shape), history.getDataType());
    return zeros.concat(history, 2);
  }

  private void replace(int layer, NDArray k, NDArray v) {
    NDScope.unregister(k, v);
    k.attach(manager);
    v.attach(manager);
    if (keys[layer] != null && keys[layer] != k) {
      keys[layer].close();
      values[layer].close();
    }
    keys[layer] = k;
    values[layer] = v;
  }

  @Override
  public void close() {
    manager.close();
  }
}
