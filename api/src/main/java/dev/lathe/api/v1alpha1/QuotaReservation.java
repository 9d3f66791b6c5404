package dev.lathe.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * GPUs the operator reserved for a FineTuneJob at admission, like Kueue's QuotaReserved: a job
 * admitted a moment ago counts against the namespace's quota before its pods exist and before the
 * ResourceQuota's used figure catches up.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class QuotaReservation {

  @JsonPropertyDescription("gpus is the number of nvidia.com/gpu reserved for the job's pods.")
  private Long gpus;

  @JsonPropertyDescription("reservedAt is when the operator admitted the job (RFC 3339).")
  private String reservedAt;

  public QuotaReservation() {}

  public QuotaReservation(long gpus, String reservedAt) {
    this.gpus = gpus;
    this.reservedAt = reservedAt;
  }

  public Long getGpus() {
    return gpus;
  }

  public void setGpus(Long gpus) {
    this.gpus = gpus;
  }

  public String getReservedAt() {
    return reservedAt;
  }

  public void setReservedAt(String reservedAt) {
    this.reservedAt = reservedAt;
  }
}
