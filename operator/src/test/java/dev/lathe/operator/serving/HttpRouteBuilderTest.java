package dev.lathe.operator.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lathe.api.v1alpha1.ModelDeployment;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The default HTTPRoute, its reusable rule, and the LATHE_GATEWAY setting it attaches to. */
class HttpRouteBuilderTest {

  static final GatewayTarget GATEWAY =
      new GatewayTarget("lathe-gateway", "lathe", Optional.of("http"), Optional.empty());

  @Test
  void theDefaultRouteSendsTheDeploymentsPathPrefixToItsEndpointServiceWithThePrefixTakenOff() {
    ModelDeployment md = ServingBuildersTest.md("chat");

    HTTPRoute route = HttpRouteBuilder.endpointRoute(md, GATEWAY);

    assertThat(route.getMetadata().getName()).isEqualTo("chat");
    assertThat(route.getMetadata().getNamespace()).isEqualTo("ml");
    assertThat(route.getSpec().getParentRefs())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.getNamespace()).isEqualTo("lathe-gateway");
              assertThat(p.getName()).isEqualTo("lathe");
              assertThat(p.getSectionName()).isEqualTo("http");
              assertThat(p.getKind()).isEqualTo("Gateway");
            });
    HTTPRouteRule rule = route.getSpec().getRules().get(0);
    assertThat(rule.getMatches().get(0).getPath().getType()).isEqualTo("PathPrefix");
    assertThat(rule.getMatches().get(0).getPath().getValue()).isEqualTo("/ml/chat");
    assertThat(rule.getFilters().get(0).getType()).isEqualTo("URLRewrite");
    assertThat(rule.getFilters().get(0).getUrlRewrite().getPath().getType())
        .isEqualTo("ReplacePrefixMatch");
    assertThat(rule.getFilters().get(0).getUrlRewrite().getPath().getReplacePrefixMatch())
        .isEqualTo("/");
    assertThat(rule.getBackendRefs())
        .singleElement()
        .satisfies(
            b -> {
              assertThat(b.getName()).isEqualTo(ServingNames.endpointService(md));
              assertThat(b.getPort()).isEqualTo(ServingServiceBuilder.PORT);
              assertThat(b.getWeight()).isNull();
            });
  }

  @Test
  void theRouteIsOwnedByTheDeploymentCarriesItsLabelsAndASpecHashThatFollowsTheGateway() {
    ModelDeployment md = ServingBuildersTest.md("chat");

    HTTPRoute route = HttpRouteBuilder.endpointRoute(md, GATEWAY);
    HTTPRoute elsewhere =
        HttpRouteBuilder.endpointRoute(
            md, new GatewayTarget("edge", "public", Optional.empty(), Optional.empty()));

    assertThat(route.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.getKind()).isEqualTo("ModelDeployment");
              assertThat(o.getController()).isTrue();
            });
    assertThat(route.getMetadata().getLabels())
        .containsAllEntriesOf(ServingNames.deploymentLabels(md));
    assertThat(SpecHash.on(route))
        .isPresent()
        .isEqualTo(SpecHash.on(HttpRouteBuilder.endpointRoute(md, GATEWAY)));
    assertThat(SpecHash.on(elsewhere)).isNotEqualTo(SpecHash.on(route));
    assertThat(elsewhere.getSpec().getParentRefs().get(0).getSectionName()).isNull();
  }

  @Test
  void aRuleTakesWeightedBackendsSoACanarySplitIsBuiltTheSameWay() {
    HTTPRouteRule rule =
        HttpRouteBuilder.rule(
            "/ml/chat",
            List.of(
                new HttpRouteBuilder.Backend("chat-v1", 8000, 90),
                new HttpRouteBuilder.Backend("chat-v2", 8000, 10)));

    assertThat(rule.getBackendRefs())
        .extracting(b -> b.getName() + "=" + b.getWeight())
        .containsExactly("chat-v1=90", "chat-v2=10");
  }

  @Test
  void theGatewaySettingIsNamespaceNameAndAnOptionalListenerWithAnOptionalExternalUrl() {
    assertThat(GatewayTarget.fromSettings(null, null)).isEmpty();
    assertThat(GatewayTarget.fromSettings(" ", "")).isEmpty();
    assertThat(GatewayTarget.fromSettings("lathe-gateway/lathe", null))
        .contains(new GatewayTarget("lathe-gateway", "lathe", Optional.empty(), Optional.empty()));
    assertThat(GatewayTarget.fromSettings("lathe-gateway/lathe/http", "https://llm.example.com/"))
        .contains(
            new GatewayTarget(
                "lathe-gateway",
                "lathe",
                Optional.of("http"),
                Optional.of("https://llm.example.com")));
    assertThat(GatewayTarget.fromSettings("edge/public/web", null).orElseThrow().toString())
        .isEqualTo("edge/public/web");
  }

  @Test
  void aMalformedGatewaySettingIsRefusedNamingTheVariable() {
    for (String bad : List.of("lathe", "a/b/c/d", "Lathe/gw", "ns/", "/gw", "ns/gw/")) {
      assertThatThrownBy(() -> GatewayTarget.fromSettings(bad, null))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("LATHE_GATEWAY must be NAMESPACE/NAME");
    }
    for (String bad : List.of("llm.example.com", "ftp://x", "https://", "http://x/?a=b")) {
      assertThatThrownBy(() -> GatewayTarget.fromSettings("ns/gw", bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("LATHE_GATEWAY_URL must be");
    }
    assertThatThrownBy(() -> GatewayTarget.fromSettings(null, "https://llm.example.com"))
        .hasMessageContaining("LATHE_GATEWAY_URL is set but LATHE_GATEWAY is not");
  }
}
