package dev.lathe.operator.modeldeployment;

import dev.lathe.api.v1alpha1.ModelDeployment;
import dev.lathe.api.v1alpha1.ModelVersion;
import dev.lathe.operator.serving.ServingInputs;
import dev.lathe.operator.status.Acceptance;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything a serving decision looks at, observed once from the informer caches: the
 * ModelDeployment (a copy), the verdict on its spec, the ModelVersions it names, and every serving
 * object and pod the operator made for it. Immutable by convention: nothing reads the cluster after
 * it was taken.
 *
 * @param deployment the ModelDeployment, a copy whose status the decision starts from
 * @param acceptance the semantic checks' verdict on its spec
 * @param versions the ModelVersions of spec.modelVersion and of every adapter, by name, as cached
 * @param workloads every runtime Deployment of this ModelDeployment, of any version
 * @param services every Service of this ModelDeployment (endpoint and version Services)
 * @param adapterLists every adapter ConfigMap of this ModelDeployment
 * @param pods every runtime pod and evaluation pod of this ModelDeployment
 * @param jobs every evaluation Job of this ModelDeployment's rollouts
 * @param inputs the default runtime image and the namespace's trusted keys
 * @param route the Gateway routing is configured for and the HTTPRoutes made for this deployment
 */
public record ServingSnapshot(
    ModelDeployment deployment,
    Acceptance acceptance,
    Map<String, ModelVersion> versions,
    List<Deployment> workloads,
    List<Service> services,
    List<ConfigMap> adapterLists,
    List<Pod> pods,
    List<Job> jobs,
    ServingInputs inputs,
    RouteSnapshot route) {

  public ServingSnapshot {
    versions = Map.copyOf(versions);
    workloads = List.copyOf(workloads);
    services = List.copyOf(services);
    adapterLists = List.copyOf(adapterLists);
    pods = List.copyOf(pods);
    jobs = List.copyOf(jobs);
  }

  public Optional<ModelVersion> version(String name) {
    return Optional.ofNullable(name == null ? null : versions.get(name));
  }
}
