package dev.lathe.runtime;

import ai.djl.ndarray.NDManager;
import dev.lathe.artifact.lineage.Provenance;
import dev.lathe.artifact.manifest.Manifest;
import dev.lathe.artifact.manifest.ModelHasher;
import dev.lathe.artifact.signing.KeyAlgorithm;
import dev.lathe.artifact.signing.SigningKeys;
import dev.lathe.artifact.storage.ArtifactPublisher;
import dev.lathe.artifact.storage.FilesystemStore;
import dev.lathe.engine.config.ModelConfig;
import dev.lathe.engine.generation.GreedyDecoder;
import dev.lathe.engine.lora.LoraAdapter;
import dev.lathe.engine.lora.LoraConfig;
import dev.lathe.engine.model.LlamaModel;
import dev.lathe.engine.model.LlamaWeights;
import dev.lathe.engine.safetensors.Checkpoint;
import dev.lathe.engine.tinybase.TinyBaseModel;
import dev.lathe.engine.tokenizer.ChatTemplate;
import dev.lathe.engine.tokenizer.TextTokenizer;
import dev.lathe.engine.training.CausalLmTrainer;
import dev.lathe.engine.training.LearningRateSchedule;
import dev.lathe.engine.training.TrainingExample;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A store holding the tiny base model and a LoRA adapter trained on it, both signed, the adapter
 * with provenance naming the base by digest; and the trusted key. Also what greedy decoding with
 * the engine alone answers, to hold the server's answers against.
 */
final class SignedModels {

  static final String BASE_NAME = "tiny-base";
  static final String ADAPTER_NAME = "answer-bot";
  static final String PROMPT = "Question: What is six plus two? Answer:";
  static final List<ChatTemplate.Message> CHAT =
      List.of(new ChatTemplate.Message("user", "Who keeps the lathe?"));

  final Path store;
  final Path trustedKeys;
  final KeyPair key;
  final String baseUri;
  final String adapterUri;

  /** The signed manifest digests, what responses must name as their system_fingerprint. */
  final String baseDigest;

  final String adapterDigest;
  final Path baseDirectory;
  final Path adapterDirectory;

  private SignedModels(Path root, boolean withAdapter) throws IOException {
    this.store = root.resolve("store");
    this.trustedKeys = root.resolve("trusted-keys");
    this.key = SigningKeys.generate(KeyAlgorithm.ECDSA_P256);
    Files.createDirectories(trustedKeys);
    Files.writeString(
        trustedKeys.resolve("operator.pem"), SigningKeys.publicKeyPem(key.getPublic()));
    this.baseDirectory =
        TinyBaseModel.ensureDefault(new PrintStream(PrintStream.nullOutputStream()));
    FilesystemStore fs = new FilesystemStore(store);
    ArtifactPublisher publisher = new ArtifactPublisher(fs);
    ArtifactPublisher.Published base =
        publisher.publish(
            baseDirectory,
            BASE_NAME,
            "models/tiny-base",
            ModelHasher.files(),
            key,
            Optional.empty());
    this.baseUri = fs.uri("models/tiny-base");
    this.baseDigest = base.manifestDigest();
    this.adapterDirectory = root.resolve("adapter");
    if (!withAdapter) {
      this.adapterUri = null;
      this.adapterDigest = null;
      return;
    }
    trainAdapter(baseDirectory, adapterDirectory);
    Manifest manifest =
        publisher.upload(adapterDirectory, ADAPTER_NAME, "models/answer-bot", ModelHasher.files());
    publisher.sign(
        "models/answer-bot",
        key,
        Optional.of(provenance(manifest.digestString(), base.manifestDigest(), baseUri)));
    this.adapterUri = fs.uri("models/answer-bot");
    this.adapterDigest = manifest.digestString();
  }

  /**
   * The same adapter published again under another name and prefix: the same weights (so the same
   * answers) and a config with one more field PEFT ignores, so its own manifest digest; signed and
   * trained on the same base, as a second version of the adapter would be. Returns its URI and
   * digest.
   */
  String[] publishAdapterAgain(String name) throws IOException {
    Path copy = adapterDirectory.resolveSibling(name);
    OpenAiClientIT.copy(adapterDirectory, copy);
    Path config = copy.resolve("adapter_config.json");
    com.fasterxml.jackson.databind.ObjectMapper json =
        new com.fasterxml.jackson.databind.ObjectMapper();
    com.fasterxml.jackson.databind.node.ObjectNode node =
        (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(config.toFile());
    node.put("revision", name);
    Files.writeString(config, node.toString());
    FilesystemStore fs = new FilesystemStore(store);
    ArtifactPublisher publisher = new ArtifactPublisher(fs);
    Manifest manifest = publisher.upload(copy, name, "models/" + name, ModelHasher.files());
    publisher.sign(
        "models/" + name,
        key,
        Optional.of(provenance(manifest.digestString(), baseDigest, baseUri)));
    return new String[] {fs.uri("models/" + name), manifest.digestString()};
  }

  static SignedModels create(Path root) {
    return create(root, true);
  }

  /** The signed base alone, or with the adapter (which takes a few seconds of training). */
  static SignedModels create(Path root, boolean withAdapter) {
    try {
      return new SignedModels(root, withAdapter);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Teaches the base one fixed answer, so that the adapter visibly changes what it says. */
  private static void trainAdapter(Path base, Path output) throws IOException {
    ModelConfig config = ModelConfig.read(base.resolve("config.json"));
    try (NDManager manager = NDManager.newBaseManager();
        TextTokenizer tokenizer = TextTokenizer.load(base.resolve("tokenizer.json"));
        LlamaWeights weights = LlamaWeights.load(config, Checkpoint.open(base), manager);
        LoraAdapter adapter =
            LoraAdapter.initialise(
                new LoraConfig(8, 16, 0, List.of("q_proj", "v_proj", "o_proj"), BASE_NAME),
                config,
                7,
                manager)) {
      ChatTemplate template = ChatTemplate.load(base).orElseThrow();
      List<TrainingExample> examples = new ArrayList<>();
      int eos = config.eosTokenIds().get(0);
      for (String question : List.of("Who keeps the lathe?", PROMPT, "What is six plus two?")) {
        String prompt = template.render(List.of(new ChatTemplate.Message("user", question)), true);
        int[] answer = tokenizer.encode(" Ada keeps the lathe.");
        int[] withEos = java.util.Arrays.copyOf(answer, answer.length + 1);
        withEos[answer.length] = eos;
        examples.add(TrainingExample.promptAndResponse(tokenizer.encode(prompt), withEos));
        examples.add(TrainingExample.promptAndResponse(tokenizer.encode(question), withEos));
      }
      int steps = 40;
      try (CausalLmTrainer trainer =
          CausalLmTrainer.lora(
              weights,
              adapter,
              new CausalLmTrainer.Settings(
                  new LearningRateSchedule(1e-2, 2, steps, "constant"), 6, 1.0, 0.0, 0),
              manager)) {
        for (int step = 0; step < steps; step++) {
          trainer.step(examples);
        }
      }
      adapter.save(output);
    }
  }

  private static Provenance provenance(String adapterDigest, String baseDigest, String baseUri) {
    return new Provenance(
        ADAPTER_NAME,
        adapterDigest.substring("sha256:".length()),
        "https://lathe.dev/operator@test",
        new Provenance.JobReference("ml-platform", "answer-bot", "uid-1", 1),
        "sha256:" + "ab".repeat(32),
        null,
        List.of(
            new Provenance.Dependency(
                Provenance.BASE_MODEL, baseUri, baseDigest.substring("sha256:".length())),
            new Provenance.Dependency(Provenance.DATASET, "file:///data.jsonl", "cd".repeat(32))),
        Instant.parse("2026-11-25T10:00:00Z"),
        Instant.parse("2026-11-25T11:00:00Z"));
  }

  /** Greedy decoding with the engine alone: the answer the server must give at temperature 0. */
  String reference(boolean withAdapter, int[] prompt, int maxTokens) {
    ModelConfig config = ModelConfig.read(baseDirectory.resolve("config.json"));
    try (NDManager manager = NDManager.newBaseManager();
        TextTokenizer tokenizer = TextTokenizer.load(baseDirectory.resolve("tokenizer.json"));
        LlamaWeights weights = LlamaWeights.load(config, Checkpoint.open(baseDirectory), manager);
        LoraAdapter adapter = LoraAdapter.load(adapterDirectory, config, manager)) {
      LlamaModel model =
          withAdapter ? new LlamaModel(weights, adapter.on(weights)) : new LlamaModel(weights);
      return tokenizer.decode(
          GreedyDecoder.generate(model, prompt, maxTokens, config.eosTokenIds()));
    }
  }

  int[] encode(String text) {
    try (TextTokenizer tokenizer = TextTokenizer.load(baseDirectory.resolve("tokenizer.json"))) {
      return tokenizer.encode(text);
    }
  }

  int[] chatPrompt() {
    return encode(ChatTemplate.load(baseDirectory).orElseThrow().render(CHAT, true));
  }
}
