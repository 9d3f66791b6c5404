package dev.lathe.chart;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** What the chart renders, with the real helm and no cluster. */
class ChartTemplateTest {

  private final Helm helm = Helm.offline();

  @Test
  void helmLintPassesWithTheDefaultValuesAndStrictChecks() {
    Command.Result lint = helm.run("lint", "--strict", Helm.chart()).ok();
    assertThat(lint.stdout()).contains("1 chart(s) linted, 0 chart(s) failed");
  }

  @Test
  void theThreeCrdsAreTemplatesKeptOnUninstall() {
    Manifests out = Manifests.parse(helm.template().ok().stdout());
    List<CustomResourceDefinition> crds =
        out.ofKind("CustomResourceDefinition").map(CustomResourceDefinition.class::cast).toList();
    assertThat(crds)
        .extracting(c -> c.getMetadata().getName())
        .containsExactlyInAnyOrder(
            "finetunejobs.lathe.dev", "modelversions.lathe.dev", "modeldeployments.lathe.dev");
    assertThat(crds)
        .allSatisfy(
            c ->
                assertThat(c.getMetadata().getAnnotations())
                    .containsEntry("helm.sh/resource-policy", "keep"));
  }

  @Test
  void withoutWatchNamespacesOneClusterRoleGrantsTheWorkloadRulesAndSecretsAreOnlyGot() {
    Manifests out = Manifests.parse(helm.template().ok().stdout());
    assertThat(out.ofKind("ClusterRole")).hasSize(1);
    assertThat(out.ofKind("Role")).hasSize(1); // the operator's own namespace only
    List<PolicyRule> rules =
        ((io.fabric8.kubernetes.api.model.rbac.ClusterRole)
                out.ofKind("ClusterRole").findFirst().get())
            .getRules();
    assertThat(verbs(rules, "", "secrets")).containsExactly("get");
    assertThat(verbs(rules, "", "pods")).containsExactly("list", "watch");
  }

  @Test
  void watchNamespacesGiveARolePerNamespaceAndNothingClusterWide() {
    Manifests out = Manifests.parse(helm.template("watchNamespaces={team-a,team-b}").ok().stdout());
    assertThat(out.ofKind("ClusterRole")).isEmpty();
    assertThat(out.ofKind("ClusterRoleBinding")).isEmpty();
    assertThat(out.ofKind("Role").map(r -> r.getMetadata().getNamespace()))
        .containsExactlyInAnyOrder("team-a", "team-b", "lathe-system");
    assertThat(out.ofKind("RoleBinding")).hasSize(3);
    Deployment operator = out.only(Deployment.class, "Deployment");
    assertThat(env(operator)).containsEntry("LATHE_WATCH_NAMESPACES", "team-a,team-b");
  }

  @Test
  void theOperatorsOwnNamespaceRoleReadsOnlyTheSigningKeySecretByName() {
    Manifests out =
        Manifests.parse(helm.template("signingKey.existingSecret=my-key").ok().stdout());
    Role self = (Role) out.ofKind("Role").findFirst().orElseThrow();
    PolicyRule secrets =
        self.getRules().stream()
            .filter(r -> r.getResources().contains("secrets"))
            .findFirst()
            .orElseThrow();
    assertThat(secrets.getResourceNames()).containsExactly("my-key");
    assertThat(secrets.getVerbs()).containsExactly("get", "list", "watch");
    assertThat(out.ofKind("Secret")).as("a user-supplied key is not generated").isEmpty();
  }

  @Test
  void withoutAGatewayTheOperatorMakesNoRouteSoItMayOnlyPatchTheRoutesASpecNames() {
    Manifests out = Manifests.parse(helm.template().ok().stdout());
    List<PolicyRule> rules =
        ((io.fabric8.kubernetes.api.model.rbac.ClusterRole)
                out.ofKind("ClusterRole").findFirst().get())
            .getRules();
    assertThat(verbs(rules, "gateway.networking.k8s.io", "httproutes"))
        .containsExactly("get", "list", "watch", "patch", "update");
    assertThat(verbs(rules, "discovery.k8s.io", "endpointslices"))
        .as("a rollout reads its track Services' slices before it moves a weight")
        .containsExactly("get", "list", "watch");
    assertThat(env(out.only(Deployment.class, "Deployment"))).doesNotContainKey("LATHE_GATEWAY");
  }

  @Test
  void withoutRightsToHttpRoutesTheOperatorIsToldNotToWatchThem() {
    Manifests granted = Manifests.parse(helm.template().ok().stdout());
    assertThat(env(granted.only(Deployment.class, "Deployment")))
        .doesNotContainKey("LATHE_HTTPROUTES");

    Manifests withheld = Manifests.parse(helm.template("rbac.gatewayAPI=false").ok().stdout());
    List<PolicyRule> rules =
        ((io.fabric8.kubernetes.api.model.rbac.ClusterRole)
                withheld.ofKind("ClusterRole").findFirst().get())
            .getRules();
    assertThat(verbs(rules, "gateway.networking.k8s.io", "httproutes")).isEmpty();
    assertThat(verbs(rules, "discovery.k8s.io", "endpointslices")).isEmpty();
    assertThat(env(withheld.only(Deployment.class, "Deployment")))
        .containsEntry("LATHE_HTTPROUTES", "false");
  }

  @Test
  void aGatewayParentGivesTheSettingRouteCreationAndAReadOfThatOneGatewayInItsNamespace() {
    Manifests out =
        Manifests.parse(
            helm.template("gateway.parent=edge/public/https", "watchNamespaces={team-a}")
                .ok()
                .stdout());
    Deployment operator = out.only(Deployment.class, "Deployment");
    assertThat(env(operator)).containsEntry("LATHE_GATEWAY", "edge/public/https");
    Role team =
        (Role)
            out.ofKind("Role")
                .filter(r -> "team-a".equals(r.getMetadata().getNamespace()))
                .findFirst()
                .orElseThrow();
    assertThat(verbs(team.getRules(), "gateway.networking.k8s.io", "httproutes"))
        .containsExactly("get", "list", "watch", "patch", "update", "create", "delete");
    Role gateway =
        (Role)
            out.ofKind("Role")
                .filter(r -> "edge".equals(r.getMetadata().getNamespace()))
                .findFirst()
                .orElseThrow();
    assertThat(gateway.getRules())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getResources()).containsExactly("gateways");
              assertThat(r.getResourceNames()).containsExactly("public");
              assertThat(r.getVerbs()).containsExactly("get", "list", "watch");
            });

    Manifests withUrl =
        Manifests.parse(
            helm.template("gateway.parent=edge/public", "gateway.url=https://llm.example.com")
                .ok()
                .stdout());
    assertThat(env(withUrl.only(Deployment.class, "Deployment")))
        .containsEntry("LATHE_GATEWAY_URL", "https://llm.example.com");
    assertThat(withUrl.ofKind("Role").map(r -> r.getMetadata().getNamespace()))
        .as("with a URL the Gateway is not read")
        .doesNotContain("edge");
    assertThat(helm.template("gateway.parent=not-a-gateway").exitCode()).isNotZero();
  }

  @Test
  void imagesAreReferencedByDigestWhenADigestIsGiven() {
    String digest = "sha256:" + "ab".repeat(32);
    Deployment operator =
        Manifests.parse(
                helm.template(
                        "image.digest=" + digest,
                        "trainerImage.digest=" + digest,
                        "runtimeImage.digest=" + digest)
                    .ok()
                    .stdout())
            .only(Deployment.class, "Deployment");
    assertThat(container(operator).getImage())
        .isEqualTo("ghcr.io/lathe-dev/lathe-operator@" + digest);
    assertThat(env(operator))
        .containsEntry("LATHE_TRAINER_IMAGE", "ghcr.io/lathe-dev/lathe-trainer@" + digest)
        .containsEntry("LATHE_RUNTIME_IMAGE", "ghcr.io/lathe-dev/lathe-runtime@" + digest);
  }

  @Test
  void theDeploymentRunsRestrictedWithProbesOnHealthzAndReadyz() {
    Deployment operator =
        Manifests.parse(helm.template().ok().stdout()).only(Deployment.class, "Deployment");
    Container c = container(operator);
    assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
    assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(operator.getSpec().getTemplate().getSpec().getSecurityContext().getRunAsNonRoot())
        .isTrue();
    assertThat(c.getResources().getRequests()).containsKeys("cpu", "memory");
  }

  @Test
  void aDisruptionBudgetComesOnlyWithMoreThanOneReplica() {
    assertThat(Manifests.parse(helm.template().ok().stdout()).ofKind("PodDisruptionBudget"))
        .isEmpty();
    assertThat(
            Manifests.parse(helm.template("replicas=2").ok().stdout())
                .ofKind("PodDisruptionBudget"))
        .hasSize(1);
  }

  @Test
  void moreThanOneReplicaWithoutLeaderElectionIsRefusedByTheSchema() {
    Command.Result refused = helm.template("replicas=2", "leaderElection.enabled=false");
    assertThat(refused.exitCode()).isNotZero();
    assertThat(refused.stderr()).contains("values don't meet the specifications of the schema");
    assertThat(refused.stderr()).contains("leaderElection");
  }

  @Test
  void aMistypedValueOrAMalformedDigestFailsWithAMessageNamingIt() {
    Command.Result typo = helm.template("watchNamespace={team-a}");
    assertThat(typo.exitCode()).isNotZero();
    assertThat(typo.stderr()).contains("watchNamespace");
    Command.Result digest = helm.template("image.digest=latest");
    assertThat(digest.exitCode()).isNotZero();
    assertThat(digest.stderr()).contains("image").contains("digest");
  }

  @Test
  void theStoragePolicyRulesBecomeTheConfigMapTheOperatorReads() {
    Manifests out =
        Manifests.parse(
            helm.templateWithValues(
                    """
                    storagePolicy:
                      rules:
                        - name: teams
                          prefixes: ["s3://models/{namespace}"]
                          namespaces: [team-a, team-b]
                          endpoint: https://minio.storage.svc:9000
                    """)
                .ok()
                .stdout());
    ConfigMap policy =
        out.ofKind("ConfigMap")
            .map(ConfigMap.class::cast)
            .filter(c -> c.getMetadata().getName().equals("lathe-storage-policy"))
            .findFirst()
            .orElseThrow();
    assertThat(policy.getData())
        .containsEntry("teams.prefixes", "s3://models/{namespace}")
        .containsEntry("teams.namespaces", "team-a, team-b")
        .containsEntry("teams.endpoint", "https://minio.storage.svc:9000");
  }

  @Test
  void aTrustScopeForAKeyThatIsNotGivenFailsTheRender() {
    Command.Result refused = helm.template("trustPolicy.namespaces.ghost={team-a}");
    assertThat(refused.exitCode()).isNotZero();
    assertThat(refused.stderr()).contains("trustPolicy.namespaces.ghost");
  }

  @Test
  void theServiceMonitorSelectsTheMetricsServiceWhenAsked() {
    Manifests out =
        Manifests.parse(helm.template("metrics.serviceMonitor.enabled=true").ok().stdout());
    HasMetadata monitor =
        out.ofKind("ServiceMonitor").findFirst().orElseThrow(() -> new AssertionError("none"));
    io.fabric8.kubernetes.api.model.Service metrics =
        out.ofKind("Service")
            .map(io.fabric8.kubernetes.api.model.Service.class::cast)
            .findFirst()
            .orElseThrow();
    @SuppressWarnings("unchecked")
    Map<String, String> selector =
        (Map<String, String>)
            ((Map<String, Object>)
                    ((Map<String, Object>)
                            ((io.fabric8.kubernetes.api.model.GenericKubernetesResource) monitor)
                                .getAdditionalProperties()
                                .get("spec"))
                        .get("selector"))
                .get("matchLabels");
    assertThat(selector).containsEntry("app.kubernetes.io/component", "metrics");
    assertThat(metrics.getMetadata().getLabels()).containsAllEntriesOf(selector);
    assertThat(Manifests.parse(helm.template().ok().stdout()).ofKind("ServiceMonitor")).isEmpty();
  }

  @Test
  void theArgoCdHealthChecksAreRenderedWhenAsked() {
    Manifests out = Manifests.parse(helm.template("argocd.healthChecks=true").ok().stdout());
    ConfigMap health =
        out.ofKind("ConfigMap")
            .map(ConfigMap.class::cast)
            .filter(c -> c.getMetadata().getName().endsWith("-argocd-health"))
            .findFirst()
            .orElseThrow();
    assertThat(health.getData().keySet())
        .containsExactlyInAnyOrder(
            "resource.customizations.health.lathe.dev_FineTuneJob",
            "resource.customizations.health.lathe.dev_ModelVersion",
            "resource.customizations.health.lathe.dev_ModelDeployment");
  }

  static List<String> verbs(List<PolicyRule> rules, String group, String resource) {
    return rules.stream()
        .filter(r -> r.getApiGroups().contains(group) && r.getResources().contains(resource))
        .flatMap(r -> r.getVerbs().stream())
        .toList();
  }

  static Container container(Deployment deployment) {
    return deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
  }

  static Map<String, String> env(Deployment deployment) {
    return container(deployment).getEnv().stream()
        .filter(e -> e.getValue() != null)
        .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
  }

  static String name(HasMetadata object) {
    return object.getMetadata().getName();
  }
}
