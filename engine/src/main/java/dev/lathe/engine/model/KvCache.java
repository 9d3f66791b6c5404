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

  @Override
  public void close() {
    manager.close();
  }
}
