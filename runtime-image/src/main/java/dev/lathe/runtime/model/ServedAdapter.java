package dev.lathe.runtime.model;

import dev.lathe.engine.lora.LoraAdapter;
import dev.lathe.runtime.verify.VerifiedModel;
import java.time.Instant;

/** A verified LoRA adapter loaded on the served base, selected by its name in "model". */
public record ServedAdapter(
    String name, VerifiedModel verified, LoraAdapter adapter, Instant loadedAt) {}
