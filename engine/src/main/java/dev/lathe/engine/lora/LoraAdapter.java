package dev.lathe.engine.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lathe.engine.config.ModelConfig;
import dev.lathe.engine.model.LlamaWeights;
import dev.lathe.engine.model.Projections;
import dev.lathe.engine.safetensors.SafetensorsFile;
import dev.lathe.engine.safetensors.SafetensorsWriter;
import dev.lathe.engine.safetensors.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * LoRA adapters on a Llama model's projections: W x + (alpha/r) · B A x, with A [r, in] and B [out,
 * r]. Saved and loaded in PEFT's layout (adapter_config.json, adapter_model.safetensors with names
 * like base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight), and mergeable into the base
 * weights.
 */
public final class LoraAdapter implements AutoCloseable {

  public static final String CONFIG_FILE = "adapter_config.json";
  public static final String WEIGHTS_FILE = "adapter_model.safetensors";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final LoraConfig config;
  private final NDManager manager;

  /** A then B, by "layer/module path", e.g. "0/self_attn.q_proj". */
  private final Map<String, NDArray[]> pairs;

  private LoraAdapter(LoraConfig config, NDManager manager, Map<String, NDArray[]> pairs) {
    this.config = config;
    this.manager = manager;
    this.pairs = pairs;
  }

  /**
   * A new adapter as PEFT initialises one: A with Kaiming-uniform values, B zero, so training
   * starts from the base model's behaviour exactly.
   */
  public static LoraAdapter initialise(
      LoraConfig config, ModelConfig model, long seed, NDManager parent) {
    NDManager manager = parent.newSubManager();
    Random random = new Random(seed);
    Map<String, NDArray[]> pairs = new LinkedHashMap<>();
    Map<String, long[]> shapes = LlamaWeights.expectedShapes(model);
    for (int layer = 0; layer < model.numHiddenLayers(); layer++) {
      for (String target : config.targetModules()) {
        String module = LoraConfig.modulePath(target);
        long[] weight = shapes.get("model.layers." + layer + "." + module + ".weight");
        long out = weight[0];
        long in = weight[1];
        float bound = (float) (1.0 / Math.sqrt(in));
        float[] a = new float[(int) (config.rank() * in)];
        for (int i = 0; i < a.length; i++) {
          a[i] = (random.nextFloat() * 2 - 1) * bound;
        }
        NDArray arrayA = manager.create(a, new Shape(config.rank(), in));
        NDArray arrayB = manager.zeros(new Shape(out, config.rank()));
        pairs.put(layer + "/" + module, new NDArray[] {arrayA, arrayB});
      }
    }
    return new LoraAdapter(config, manager, pairs);
  }

  public static LoraAdapter load(Path directory, ModelConfig model, NDManager parent) {
    LoraConfig config;
    try {
      config = LoraConfig.fromJson(JSON.readTree(directory.resolve(CONFIG_FILE).toFile()));
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read " + directory.resolve(CONFIG_FILE) + ": " + e.getMessage(), e);
    }
    SafetensorsFile file = SafetensorsFile.read(directory.resolve(WEIGHTS_FILE));
    NDManager manager = parent.newSubManager();
    Map<String, NDArray[]> pairs = new LinkedHashMap<>();
    for (int layer = 0; layer < model.numHiddenLayers(); layer++) {
      for (String target : config.targetModules()) {
        String module = LoraConfig.modulePath(target);
        String prefix = peftName(layer, module);
        Tensor a = file.tensor(prefix + ".lora_A.weight");
        Tensor b = file.tensor(prefix + ".lora_B.weight");
        pairs.put(
            layer + "/" + module,
            new NDArray[] {LlamaWeights.toArray(manager, a), LlamaWeights.toArray(manager, b)});
      }
    }
    return new LoraAdapter(config, manager, pairs);
  }

  public void save(Path directory) {
    try {
      Files.createDirectories(directory);
      JSON.writerWithDefaultPrettyPrinter()
          .writeValue(directory.resolve(CONFIG_FILE).toFile(), config.toJson());
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot write " + directory.resolve(CONFIG_FILE) + ": " + e.getMessage(), e);
    }
    List<Tensor> tensors = new ArrayList<>();
    pairs.forEach(
        (key, pair) -> {
          int slash = key.indexOf('/');
          String prefix =
              peftName(Integer.parseInt(key.substring(0, slash)), key.substring(slash + 1));
          tensors.add(toTensor(prefix + ".lora_A.weight", pair[0]));
          tensors.add(toTensor(prefix + ".lora_B.weight", pair[1]));
        });
    SafetensorsWriter.write(directory.resolve(WEIGHTS_FILE), tensors, Map.of("format", "pt"));
  }

  /** PEFT's name for a module of the wrapped model. */
  static String peftName(int layer, String module) {
    return "base_model.model.model.layers." + layer + "." + module;
  }

  /** The base projections plus this adapter's low-rank updates. */
  public Projections on(LlamaWeights weights) {
    Projections base = Projections.plain(weights);
    return new Projections() {
      @Override
      public NDArray apply(int layer, String module, NDArray x, boolean training) {
        NDArray y = base.apply(layer, module, x, training);
        NDArray delta = delta(layer, module, x, training);
        return delta == null ? y : y.add(delta);
      }

      /** The base's projections as it computes them (fused, when its weights are), plus updates. */
      @Override
      public NDList each(int layer, String[] modules, NDArray x, boolean training) {
        NDList outputs = base.each(layer, modules, x, training);
        NDList updated = new NDList(modules.length);
        for (int i = 0; i < modules.length; i++) {
          NDArray delta = delta(layer, modules[i], x, training);
          updated.add(delta == null ? outputs.get(i) : outputs.get(i).add(delta));
        }
        return updated;
      }
    };
  }

  /** (alpha/r) · dropout(x) Aᵀ Bᵀ for one projection, null when the adapter does not touch it. */
  private NDArray delta(int layer, String module, NDArray x, boolean training) {
    NDArray[] pair = pairs.get(layer + "/" + module);
    if (pair == null) {
      return null;
    }
    NDArray input = training && config.dropout() > 0 ? dropout(x) : x;
    NDArray scale = x.getManager().create((float) config.scaling());
    return input.matMul(pair[0].transpose()).matMul(pair[1].transpose()).mul(scale);
  }

  /**
   * What this adapter adds to projection {@code module} of {@code layer} for input x, (alpha/r) · x
   * Aᵀ Bᵀ, at inference (no dropout); null when the adapter does not touch that projection. Lets a
   * server add several adapters' updates to one base projection, each for its own batch rows.
   */
  public NDArray update(int layer, String module, NDArray x) {
    return delta(layer, module, x, false);
  }

  private NDArray dropout(NDArray x) {
    NDManager m = x.getManager();
    NDArray keep =
        m.randomUniform(0f, 1f, x.getShape())
            .gte(m.create((float) config.dropout()))
            .toType(x.getDataType(), false);
    return x.mul(keep).div(m.create((float) (1 - config.dropout())));
  }

  /** W + (alpha/r) · B A for every adapted projection: the adapter folded into the base. */
  public void mergeInto(LlamaWeights weights) {
    NDArray scale = weights.manager().create((float) config.scaling());
    pairs.forEach(
        (key, pair) -> {
          int slash = key.indexOf('/');
          String name =
              "model.layers."
                  + key.substring(0, slash)
                  + "."
                  + key.substring(slash + 1)
                  + ".weight";
          NDArray merged = weights.get(name).add(pair[1].matMul(pair[0]).mul(scale));
          weights.replace(name, merged);
        });
  }

  /** Every trainable array (A and B of each pair). */
  public List<NDArray> parameters() {
    List<NDArray> parameters = new ArrayList<>();
    pairs
        .values()
        .forEach(
            pair -> {
              parameters.add(pair[0]);
              parameters.add(pair[1]);
            });
    return parameters;
  }

  public LoraConfig config() {
    return config;
  }

  @Override
  public void close() {
    manager.close();
  }

  private static Tensor toTensor(String name, NDArray array) {
    return Tensor.ofFloats(name, array.getShape().getShape(), array.toFloatArray());
  }
}
