package dev.lathe.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.lathe.engine.config.ModelConfig;
import dev.lathe.engine.safetensors.Checkpoint;
import dev.lathe.engine.safetensors.DType;
import dev.lathe.engine.safetensors.SafetensorsException;
import dev.lathe.engine.safetensors.StreamedCheckpoint;
import dev.lathe.engine.safetensors.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The weights of a Llama-family model by their Hugging Face names, as float32 NDArrays on one
 * manager. Linear weights keep PyTorch's [out, in] layout, so y = x · Wᵀ.
 */
public final class LlamaWeights implements AutoCloseable {

  private final ModelConfig config;
  private final NDManager manager;
  private final Map<String, NDArray> arrays;

  /** Concatenated projection weights by "layer/first module", see {@link #fuseProjections()}. */
  private final Map<String, NDArray> fused = new HashMap<>();

  /** The key in {@link #fused} of each weight that is a view of a fused array. */
  private final Map<String, String> fusedKeyOf = new HashMap<>();

  private LlamaWeights(ModelConfig config, NDManager manager, Map<String, NDArray> arrays) {
    this.config = config;
    this.manager = manager;
    this.arrays = arrays;
  }

  /** The names and shapes a checkpoint of this architecture holds. */
  public static Map<String, long[]> expectedShapes(ModelConfig c) {
    Map<String, long[]> shapes = new LinkedHashMap<>();
    long h = c.hiddenSize();
    long q = (long) c.numAttentionHeads() * c.headDim();
    long kv = (long) c.numKeyValueHeads() * c.headDim();
    shapes.put("model.embed_tokens.weight", new long[] {c.vocabSize(), h});
    for (int l = 0; l < c.numHiddenLayers(); l++) {
      String p = "model.layers." + l + ".";
      shapes.put(p + "self_attn.q_proj.weight", new long[] {q, h});
      shapes.put(p + "self_attn.k_proj.weight", new long[] {kv, h});
      shapes.put(p + "self_attn.v_proj.weight", new long[] {kv, h});
      shapes.put(p + "self_attn.o_proj.weight", new long[] {h, q});
      shapes.put(p + "mlp.gate_proj.weight", new long[] {c.intermediateSize(), h});
      shapes.put(p + "mlp.up_proj.weight", new long[] {c.intermediateSize(), h});
      shapes.put(p + "mlp.down_proj.weight", new long[] {h, c.intermediateSize()});
      shapes.put(p + "input_layernorm.weight", new long[] {h});
      shapes.put(p + "post_attention_layernorm.weight", new long[] {h});
    }
    shapes.put("model.norm.weight", new long[] {h});
    if (!c.tieWordEmbeddings()) {
      shapes.put("lm_head.weight", new long[] {c.vocabSize(), h});
    }
    return shapes;
  }

  /** How many weights a model of this architecture has. */
  public static long parameterCount(ModelConfig config) {
    return expectedShapes(config).values().stream()
        .mapToLong(shape -> java.util.Arrays.stream(shape).reduce(1, Math::multiplyExact))
        .sum();
  }

  /** Loads every expected tensor, widening F16/BF16 to F32; a missing or misshapen one is named. */
  public static LlamaWeights load(ModelConfig config, Checkpoint checkpoint, NDManager parent) {
    NDManager manager = parent.newSubManager();
    Map<String, NDArray> arrays = new LinkedHashMap<>();
    for (Map.Entry<String, long[]> expected : expectedShapes(config).entrySet()) {
      Tensor tensor = checkpoint.tensors().get(expected.getKey());
      if (tensor == null) {
        manager.close();
        throw new IllegalArgumentException("the checkpoint lacks " + expected.getKey());
      }
      if (!java.util.Arrays.equals(tensor.shape(), expected.getValue())) {
        manager.close();
        throw misshapen(tensor, expected.getValue());
      }
      arrays.put(expected.getKey(), toArray(manager, tensor));
    }
    return new LlamaWeights(config, manager, arrays);
  }

  /**
   * Loads every expected tensor as {@link #load(ModelConfig, Checkpoint, NDManager)} does, from a
   * checkpoint read once into memory: each tensor is copied as it passes, so what is loaded is what
   * the checkpoint's observer saw.
   */
  public static LlamaWeights load(
      ModelConfig config, StreamedCheckpoint checkpoint, NDManager parent) {
    NDManager manager = parent.newSubManager();
    Map<String, long[]> expected = expectedShapes(config);
    Map<String, NDArray> passed = new java.util.HashMap<>();
    try {
      checkpoint.forEach(
          tensor -> {
            long[] shape = expected.get(tensor.name());
            if (shape == null) {
              return;
            }
            if (!java.util.Arrays.equals(tensor.shape(), shape)) {
              throw misshapen(tensor, shape);
            }
            passed.put(tensor.name(), toArray(manager, tensor));
          });
      Map<String, NDArray> arrays = new LinkedHashMap<>();
      for (String name : expected.keySet()) {
        NDArray array = passed.get(name);
        if (array == null) {
          throw new IllegalArgumentException("the checkpoint lacks " + name);
        }
        arrays.put(name, array);
      }
      return new LlamaWeights(config, manager, arrays);
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  private static IllegalArgumentException misshapen(Tensor tensor, long[] expected) {
    return new IllegalArgumentException(
        tensor.name()
            + " has shape "
            + java.util.Arrays.toString(tensor.shape())
            + ", the config needs "
            + java.util.Arrays.toString(expected));
  }

  /**
   * Random weights for a new model, as Hugging Face initialises Llama: normal(0, 0.02) for
   * matrices, ones for norms. Seeded, so a model can be rebuilt bit for bit.
   */
  public static LlamaWeights random(ModelConfig config, long seed, NDManager parent) {
    return random(config, seed, 0.02, parent);
  }

  /**
   * Random weights with matrices drawn from normal(0, std). Tiny models need a larger std than 0.02
   * (chosen for hidden sizes in the thousands) for their logits to range widely.
   */
  public static LlamaWeights random(ModelConfig config, long seed, double std, NDManager parent) {
    NDManager manager = parent.newSubManager();
    Random random = new Random(seed);
    Map<String, NDArray> arrays = new LinkedHashMap<>();
    for (Map.Entry<String, long[]> expected : expectedShapes(config).entrySet()) {
      long[] shape = expected.getValue();
      int count = (int) new Shape(shape).size();
      float[] values = new float[count];
      if (shape.length == 1) {
        java.util.Arrays.fill(values, 1f);
      } else {
        for (int i = 0; i < count; i++) {
          values[i] = (float) (random.nextGaussian() * std);
        }
      }
      arrays.put(expected.getKey(), manager.create(values, new Shape(shape)));
    }
    return new LlamaWeights(config, manager, arrays);
  }

  /**
   * A float32 copy of the tensor in memory PyTorch owns. DJL wraps a direct buffer without copying,
   * and a tensor's bytes may be a read-only memory map of the checkpoint: training would then write
   * into the mapping (or read freed memory once the buffer goes), so the data is copied. Other
   * floating-point types are converted on the way without a float[] and a heap buffer of the
   * float32 size (and DJL's direct copy of that) for every tensor, heap a server then kept
   * committed: F16 (exact) and F64 (to nearest) by libtorch in the one copy, from a view of the
   * bytes in their own type; BF16, which DJL's PyTorch cannot view, widened exactly into one direct
   * buffer that is then copied.
   */
  public static NDArray toArray(NDManager manager, Tensor tensor) {
    Tensor source = tensor.dtype() == DType.BF16 ? tensor.bfloat16ToDirectFloat32() : tensor;
    try (NDArray view =
        manager.create(source.data(), new Shape(source.shape()), dataType(source))) {
      // toType to the same type may share the view's memory: duplicate() always copies.
      return source.dtype() == DType.F32 ? view.duplicate() : view.toType(DataType.FLOAT32, true);
    }
  }

  private static DataType dataType(Tensor tensor) {
    return switch (tensor.dtype()) {
      case F32 -> DataType.FLOAT32;
      case F16 -> DataType.FLOAT16;
      case F64 -> DataType.FLOAT64;
      default ->
          throw new SafetensorsException(
              tensor.name() + " is " + tensor.dtype() + ", not a floating-point tensor");
    };
  }

  static Tensor toTensor(String name, NDArray array, DType dtype) {
    float[] values = array.toFloatArray();
    ByteBuffer bytes = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    FloatBuffer floats = bytes.asFloatBuffer();
    floats.put(values);
    return new Tensor(name, DType.F32, array.getShape().getShape(), bytes).to(dtype);
  }

  /** The weights as tensors of the given type, in checkpoint order. */
  public List<Tensor> toTensors(DType dtype) {
    List<Tensor> tensors = new ArrayList<>();
    arrays.forEach((name, array) -> tensors.add(toTensor(name, array, dtype)));
    return tensors;
  }

  /** Every weight array, in checkpoint order (for full training). */
  public List<NDArray> parameters() {
    return List.copyOf(arrays.values());
  }

  public NDArray get(String name) {
    NDArray array = arrays.get(name);
    if (array == null) {
      throw new IllegalArgumentException("no weight " + name);
    }
    return array;
  }

  /** The output projection: lm_head, or the embeddings when they are tied. */
  public NDArray outputProjection() {
    return config.tieWordEmbeddings() ? get("model.embed_tokens.weight") : get("lm_head.weight");
  }

  /**
   * Concatenates each layer's q/k/v and gate/up weights into one array each, so that inference
   * computes them in one matmul ({@link Projections#queryKeyValue}, {@link Projections#gateUp}),
   * and keeps the separate weights as views of those arrays: no weight is held twice. For weights
   * that serve, and a LoRA trainer's frozen base. Idempotent.
   */
  public void fuseProjections() {
    for (int layer = 0; layer < config.numHiddenLayers(); layer++) {
      fuse(layer, Projections.QUERY_KEY_VALUE);
      fuse(layer, Projections.GATE_UP);
    }
  }

  private void fuse(int layer, String[] modules) {
    String key = layer + "/" + modules[0];
    if (fused.containsKey(key)) {
      return;
    }
    NDList parts = new NDList(modules.length);
    for (String module : modules) {
      parts.add(get(weightName(layer, module)));
    }
    NDArray joined = NDArrays.concat(parts, 0);
    joined.attach(manager);
    long row = 0;
    for (String module : modules) {
      String name = weightName(layer, module);
      long rows = arrays.get(name).getShape().get(0);
      NDArray view = joined.get(new NDIndex().addSliceDim(row, row + rows));
      view.attach(manager);
      arrays.put(name, view).close();
      fusedKeyOf.put(name, key);
      row += rows;
    }
    fused.put(key, joined);
  }

  /**
   * The concatenated weights of {@code modules} (q/k/v or gate/up) of {@code layer}, or null when
   * they are not fused.
   */
  NDArray fused(int layer, String[] modules) {
    return fused.get(layer + "/" + modules[0]);
  }

  private static String weightName(int layer, String module) {
    return "model.layers." + layer + "." + module + ".weight";
  }

  /**
   * Replaces a weight (merging an adapter into the base); the old array is freed, and a fused array
   * that held it is dropped, so that inference never computes with the weight replaced.
   */
  public void replace(String name, NDArray value) {
    String fusedKey = fusedKeyOf.get(name);
    if (fusedKey != null) {
      // The other weights of the group stay valid: a view keeps its storage alive.
      fused.remove(fusedKey).close();
      fusedKeyOf.values().removeIf(fusedKey::equals);
    }
    NDArray old = arrays.put(name, value);
    value.attach(manager);
    if (old != null && old != value) {
      old.close();
    }
  }

  public ModelConfig config() {
    return config;
  }

  public NDManager manager() {
    return manager;
  }

  @Override
  public void close() {
    manager.close();
  }
}
