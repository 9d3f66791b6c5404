package dev.lathe.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * Keys and values of every layer for the tokens seen so far, so that generating a token attends to
 * the past without recomputing it. Arrays are [batch, kvHeads, capacity, headDim], of which the
 * first {@link #length()} positions hold history: a step writes its keys and values into the next
 * free positions in place, and the capacity doubles when it runs out, so a step costs what its own
 * tokens cost instead of a copy of the whole history (which made a sequence quadratic).
 */
public final class KvCache implements AutoCloseable {

  /** Positions allocated at first, before any doubling. */
  static final int INITIAL_CAPACITY = 64;

  private final NDManager manager;
  private final NDArray[] keys;
  private final NDArray[] values;
  // 3-D views of keys (transposed) and values for the attention's batched products, per layer.
  private final NDArray[] keysTransposed;
  private final NDArray[] valuesFlat;
  private int length;

  public KvCache(NDManager parent, int layers) {
    this.manager = parent.newSubManager();
    this.keys = new NDArray[layers];
    this.values = new NDArray[layers];
    this.keysTransposed = new NDArray[layers];
    this.valuesFlat = new NDArray[layers];
  }

  /** How many positions are cached. */
  public int length() {
    return length;
  }

  /** How many positions fit before the arrays must grow. */
  int capacity() {
    return keys[0] == null ? 0 : (int) keys[0].getShape().get(2);
  }

  /**
   * Writes this step's keys and values for a layer after the cached ones and returns the whole
   * history (views of the cache: valid until the next call that changes it).
   */
  NDArray[] append(int layer, NDArray newKeys, NDArray newValues) {
    int end = length + (int) newKeys.getShape().get(2);
    write(layer, newKeys, newValues, end);
    NDIndex history = new NDIndex().addAllDim(2).addSliceDim(0, end);
    return new NDArray[] {keys[layer].get(history), values[layer].get(history)};
  }

  /**
   * Writes this step's keys and values for a layer at positions [length, end), growing the layer's
   * arrays to {@link #capacityFor}(end) positions where they are shorter. Positions from end on
   * hold zeros, which an attention over the whole arrays ({@link #flattened}) masks: cheaper than
   * the two slices {@link #append} makes per layer.
   */
  void write(int layer, NDArray newKeys, NDArray newValues, int end) {
    if (keys[layer] == null) {
      replace(layer, allocate(newKeys, end), allocate(newValues, end));
    } else if (capacityOf(layer) < end) {
      try (NDScope scope = new NDScope()) {
        scope.suppressNotUsedWarning();
        replace(layer, allocate(valid(keys[layer]), end), allocate(valid(values[layer]), end));
      }
    }
    NDIndex written = new NDIndex().addAllDim(2).addSliceDim(length, end);
    keys[layer].set(written, newKeys);
    values[layer].set(written, newValues);
  }

  /**
   * A layer's whole arrays (as {@link #write} leaves them) as 3-D views for batched products: keys
   * transposed, [rows · kvHeads, headDim, capacity], and values, [rows · kvHeads, capacity,
   * headDim]. Made once per array rather than per step: writes into the cache show through them.
   */
  NDArray[] flattened(int layer) {
    if (valuesFlat[layer] == null) {
      Shape shape = keys[layer].getShape();
      long heads = shape.get(0) * shape.get(1);
      NDArray k = keys[layer].reshape(heads, shape.get(2), shape.get(3)).transpose(0, 2, 1);
      NDArray v = values[layer].reshape(heads, shape.get(2), shape.get(3));
      NDScope.unregister(k, v);
      k.attach(manager);
      v.attach(manager);
      keysTransposed[layer] = k;
      valuesFlat[layer] = v;
    }
    return new NDArray[] {keysTransposed[layer], valuesFlat[layer]};
  }

  /**
   * How many positions every layer's arrays hold once {@link #write} wrote up to {@code end}: the
   * present capacity when it suffices, else the doubling from the initial capacity that does.
   */
  int capacityFor(int end) {
    int present = capacity();
    return present >= end ? present : doubled(end);
  }

  private int capacityOf(int layer) {
    return (int) keys[layer].getShape().get(2);
  }

  private static int doubled(int needed) {
    int capacity = INITIAL_CAPACITY;
    while (capacity < needed) {
      capacity *= 2;
    }
    return capacity;
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
    keepRows(rows, 0);
  }

  /**
   * Keeps only the given batch rows, in that order, without their first {@code leading} positions
   * (padding that no kept row needs any more): one gather per array, whose result keeps the free
   * capacity after the history, where a gather and then a slice of the leading positions would copy
   * twice.
   */
  public void keepRows(int[] rows, int leading) {
    if (leading < 0 || leading > length) {
      throw new IllegalArgumentException(
          "cannot drop " + leading + " leading positions of " + length + " cached");
    }
    if (keys[0] == null) {
      return;
    }
    long[] indices = new long[rows.length];
    for (int i = 0; i < rows.length; i++) {
      indices[i] = rows[i];
    }
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      NDArray index = manager.create(indices);
      NDIndex kept = new NDIndex().addAllDim(2).addSliceDim(leading, capacity());
      for (int layer = 0; layer < keys.length; layer++) {
        NDArray k = leading == 0 ? keys[layer] : keys[layer].get(kept);
        NDArray v = leading == 0 ? values[layer] : values[layer].get(kept);
        replace(layer, k.get(index), v.get(index));
      }
    }
    length -= leading;
  }

  /**
   * Adds the rows of another cache after this one's. The shorter side is padded with zeros on the
   * left so both have the longer length; callers mask that padding (see LlamaModel's leftPadding).
   * The other cache keeps its own arrays: its owner closes it.
   */
  public void appendRows(KvCache other) {
    if (other.keys[0] == null) {
      return;
    }
    int longest = Math.max(length, other.length);
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      appendRows(other, longest);
    }
    length = longest;
  }

  private void appendRows(KvCache other, int longest) {
    for (int layer = 0; layer < keys.length; layer++) {
      NDArray otherKeys = padLeft(other.valid(other.keys[layer]), longest - other.length);
      NDArray otherValues = padLeft(other.valid(other.values[layer]), longest - other.length);
      if (keys[layer] != null) {
        otherKeys = padLeft(valid(keys[layer]), longest - length).concat(otherKeys, 0);
        otherValues = padLeft(valid(values[layer]), longest - length).concat(otherValues, 0);
      }
      replace(layer, allocate(otherKeys, longest), allocate(otherValues, longest));
    }
  }

  /** The cached positions of one layer's array, without the free capacity after them. */
  private NDArray valid(NDArray array) {
    return array.get(new NDIndex().addAllDim(2).addSliceDim(0, length));
  }

  /**
   * A new array with room for at least {@code needed} positions (doubling from the initial
   * capacity) holding {@code content}'s positions first.
   */
  private static NDArray allocate(NDArray content, int needed) {
    int capacity = doubled(needed);
    long[] shape = content.getShape().getShape().clone();
    int filled = (int) shape[2];
    shape[2] = capacity;
    NDArray array = content.getManager().zeros(new Shape(shape), content.getDataType());
    if (filled > 0) {
      array.set(new NDIndex().addAllDim(2).addSliceDim(0, filled), content);
    }
    return array;
  }

  private static NDArray padLeft(NDArray history, int positions) {
    if (positions == 0) {
      return history;
    }
    long[] shape = history.getShape().getShape().clone();
    shape[2] = positions;
    NDArray zeros = history.getManager().zeros(new Shape(shape), history.getDataType());
    return zeros.concat(history, 2);
  }

  private void replace(int layer, NDArray k, NDArray v) {
    // The history outlives the step's scope (see NDScope): keep it out of it.
    NDScope.unregister(k, v);
    k.attach(manager);
    v.attach(manager);
    if (keys[layer] != null && keys[layer] != k) {
      keys[layer].close();
      values[layer].close();
    }
    if (valuesFlat[layer] != null) {
      keysTransposed[layer].close();
      valuesFlat[layer].close();
      keysTransposed[layer] = null;
      valuesFlat[layer] = null;
    }
    keys[layer] = k;
    values[layer] = v;
  }

  @Override
  public void close() {
    manager.close();
  }
}
