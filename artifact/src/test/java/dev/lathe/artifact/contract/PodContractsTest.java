package dev.lathe.artifact.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lathe.artifact.storage.StoreAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Each pod contract reads back exactly what its writer wrote: the operator and the images call the
 * same record's writer and reader, so one field's name lives in one place.
 */
class PodContractsTest {

  private static final String DIGEST = "sha256:" + "ab".repeat(32);
  private static final StoreAddress MODELS =
      StoreAddress.s3("s3://models/base", "http://127.0.0.1:9000", "us-east-1", true, "/creds");
  private static final StoreAddress DATA =
      StoreAddress.directory("pvc://data/sets", Path.of("/mnt/lathe/data/sets"));

  @Test
  void aFetchPlanReadsBackAsWritten() {
    FetchPlan plan =
        new FetchPlan(
            "team-a",
            new FetchPlan.BaseModel(MODELS, true, Optional.of(DIGEST), TrainingPodPaths.BASE_MODEL),
            new FetchPlan.Dataset(DATA, "train.jsonl", TrainingPodPaths.TRAIN_DATASET),
            Optional.of(new FetchPlan.Dataset(DATA, "", TrainingPodPaths.EVAL_DATASET)),
            TrainingPodPaths.INPUTS_FILE);

    assertThat(FetchPlan.fromJson(plan.toJson())).isEqualTo(plan);
  }

  @Test
  void aFetchPlanWithoutOptionalPartsReadsBackAsWritten() {
    FetchPlan plan =
        new FetchPlan(
            "",
            new FetchPlan.BaseModel(MODELS, false, Optional.empty(), "/work/base"),
            new FetchPlan.Dataset(DATA, "", "/work/data/train.jsonl"),
            Optional.empty(),
            "/work/inputs.json");

    assertThat(FetchPlan.fromJson(plan.toJson())).isEqualTo(plan);
  }

  @Test
  void aFetchPlanThatCannotBeUsedNamesItsVariableAndTheField() {
    assertThatThrownBy(() -> FetchPlan.fromJson(null))
        .isInstanceOf(ContractViolation.class)
        .hasMessage("LATHE_FETCH_PLAN is not set");
    assertThatThrownBy(() -> FetchPlan.fromJson("{\"baseModel\": {}}"))
        .hasMessage("LATHE_FETCH_PLAN has no baseModel.address");
    assertThatThrownBy(
            () ->
                FetchPlan.fromJson(
                    "{\"baseModel\": {\"verify\": true, \"address\": {\"uri\": \"s3://b/p\"}}}"))
        .hasMessage("LATHE_FETCH_PLAN needs a namespace to verify the base model in");
    String pinnedBadly =
        new FetchPlan(
                "team-a",
                new FetchPlan.BaseModel(MODELS, true, Optional.of("sha256:short"), "/work/base"),
                new FetchPlan.Dataset(DATA, "", "/work/data/train.jsonl"),
                Optional.empty(),
                "/work/inputs.json")
            .toJson();
    assertThatThrownBy(() -> FetchPlan.fromJson(pinnedBadly))
        .hasMessageStartingWith("LATHE_FETCH_PLAN baseModel.expectedDigest must be sha256:");
  }

  @Test
  void aVerifyPlanReadsBackAsWritten() {
    VerifyPlan pinned = new VerifyPlan("team-a", MODELS, Optional.of(DIGEST));
    VerifyPlan unpinned = new VerifyPlan("team-a", DATA, Optional.empty());

    assertThat(VerifyPlan.fromJson(pinned.toJson())).isEqualTo(pinned);
    assertThat(VerifyPlan.fromJson(unpinned.toJson())).isEqualTo(unpinned);
    assertThatThrownBy(() -> VerifyPlan.fromJson("{\"address\": {\"uri\": \"s3://b/p\"}}"))
        .hasMessage("LATHE_VERIFY_PLAN has no namespace");
  }

  @Test
  void bothShapesOfAVerificationReportReadBackAsWritten() {
    VerificationReport verified =
        new VerificationReport.Verified(DIGEST, "operator-2026", "ecdsa-p256-sha256", 7, 1234L);
    VerificationReport refused =
        new VerificationReport.Refused(
            "DIGEST_MISMATCH", "model.safetensors", "sha256 differs from the signed manifest");

    assertThat(VerificationReport.parse(verified.toJson())).contains(verified);
    assertThat(VerificationReport.parse(refused.toJson())).contains(refused);
  }

  @Test
  void aTerminationMessageThatIsNoReportReadsAsNone() {
    assertThat(VerificationReport.parse(null)).isEmpty();
    assertThat(VerificationReport.parse("Exception in thread main")).isEmpty();
    assertThat(VerificationReport.parse("{not json")).isEmpty();
    assertThat(VerificationReport.parse("{\"other\": 1}")).isEmpty();
  }

  @Test
  void fetchedInputsReadBackAsWritten() {
    FetchedInputs signedBase =
        new FetchedInputs(
            new FetchedInputs.BaseModel("s3://models/base", DIGEST, true, Optional.of("k1")),
            new FetchedInputs.Input("pvc://data/sets/train.jsonl", DIGEST),
            Optional.of(new FetchedInputs.Input("pvc://data/sets/eval", DIGEST)));
    FetchedInputs rawBase =
        new FetchedInputs(
            new FetchedInputs.BaseModel("s3://models/raw", DIGEST, false, Optional.empty()),
            new FetchedInputs.Input("pvc://data/sets/train.jsonl", DIGEST),
            Optional.empty());

    assertThat(FetchedInputs.fromJson(bytes(signedBase.toJson()))).isEqualTo(signedBase);
    assertThat(FetchedInputs.fromJson(bytes(rawBase.toJson()))).isEqualTo(rawBase);
    assertThatThrownBy(
            () -> FetchedInputs.fromJson(bytes("{\"baseModel\": {\"uri\": \"s3://x\"}}")))
        .hasMessage("lathe/inputs.json has no baseModel.digest");
  }

  @Test
  void progressReadsBackAsWritten() {
    ProgressReport started =
        new ProgressReport(
            0,
            40,
            Optional.of(0.0),
            Optional.of(2.5),
            Optional.empty(),
            Optional.of(812.5),
            Optional.empty(),
            Optional.of("2026-12-01T19:30:00Z"));
    ProgressReport late =
        new ProgressReport(
            30,
            40,
            Optional.of(1.5),
            Optional.of(0.75),
            Optional.of(0.8),
            Optional.of(900.0),
            Optional.of("2026-12-01T20:00:00Z"),
            Optional.of("2026-12-01T19:45:00Z"));

    assertThat(ProgressReport.fromJson(bytes(started.toJson()))).isEqualTo(started);
    assertThat(ProgressReport.fromJson(bytes(late.toJson()))).isEqualTo(late);
    assertThatThrownBy(() -> ProgressReport.fromJson(bytes("[1]")))
        .hasMessage("lathe/progress.json is not a JSON object");
  }

  @Test
  void aResultsFiguresAreItsNumbersWhoeverWroteThem() {
    TrainingResult result =
        new TrainingResult(40, 0.5, Optional.of(0.6), 81_920, 12.5, DIGEST, "lora");

    assertThat(TrainingResult.figures(bytes(result.toJson())))
        .containsExactly(
            Map.entry("steps", 40.0),
            Map.entry("trainLoss", 0.5),
            Map.entry("evalLoss", 0.6),
            Map.entry("trainTokens", 81_920.0),
            Map.entry("seconds", 12.5));
    assertThat(TrainingResult.figures(bytes("{\"accuracy\": 0.9, \"note\": \"other trainer\"}")))
        .containsExactly(Map.entry("accuracy", 0.9));
  }

  private static byte[] bytes(String json) {
    return json.getBytes(StandardCharsets.UTF_8);
  }
}
