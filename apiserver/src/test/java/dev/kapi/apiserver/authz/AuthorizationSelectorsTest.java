package dev.kapi.apiserver.authz;

import dev.kapi.apiserver.authz.AuthorizationSelectors.Requirement;
import java.util.List;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The selectors kube 1.32 hands authorizers (AuthorizeWithSelectors): a collection read's, in the API's form. */
class AuthorizationSelectorsTest {

    @Test
    void aCollectionReadsSelectorsAreItsRequirements() {
        AuthorizationSelectors s = AuthorizationSelectors.ofRequest("list",
                "spec.nodeName=n1,metadata.namespace!=kube-system", "app in (web,api),tier=front,!legacy,env,x!=y");

        assertThat(s.fields()).containsExactly(new Requirement("metadata.namespace", "NotIn", List.of("kube-system")),
                new Requirement("spec.nodeName", "In", List.of("n1")));
        assertThat(s.labels()).containsExactly(new Requirement("app", "In", List.of("api", "web")),
                new Requirement("env", "Exists", List.of()), new Requirement("legacy", "DoesNotExist", List.of()),
                new Requirement("tier", "In", List.of("front")), new Requirement("x", "NotIn", List.of("y")));
        assertThat(AuthorizationSelectors.ofRequest("watch", "a==b", null).fields())
                .containsExactly(new Requirement("a", "In", List.of("b")));
        assertThat(AuthorizationSelectors.ofRequest("deletecollection", null, "k=v").labels()).hasSize(1);
    }

    @Test
    void otherVerbsAndSelectorsThatDoNotParseNarrowNothing() {
        for (String verb : List.of("get", "create", "update", "patch", "delete")) {
            assertThat(AuthorizationSelectors.ofRequest(verb, "a=b", "k=v")).isEqualTo(AuthorizationSelectors.NONE);
        }
        assertThat(AuthorizationSelectors.ofRequest("list", "no-operator", "k in (")).isEqualTo(AuthorizationSelectors.NONE);
        assertThat(AuthorizationSelectors.ofRequest("list", "", "")).isEqualTo(AuthorizationSelectors.NONE);
        // Gt and Lt have no API form: left out, so the question is about more, never less
        AuthorizationSelectors gt = AuthorizationSelectors.ofRequest("list", null, "replicas>3,app=web");
        assertThat(gt.labels()).containsExactly(new Requirement("app", "In", List.of("web")));
        assertThat(AuthorizationSelectors.ofRequest("list", null, "replicas<3").isEmpty()).isTrue();
    }

    @Test
    void onlyResourceRequestsCarryThem() {
        AuthorizationSelectors s = AuthorizationSelectors.ofRequest("list", "a=b", null);
        AuthorizationAttributes healthz = new AuthorizationAttributes(WebhookAuthorizerTest.ALICE, "list", false, "",
                "", "", "", "", "", "/healthz");
        assertThat(healthz.withSelectors(s).selectors()).isEqualTo(AuthorizationSelectors.NONE);
        AuthorizationAttributes pods = new AuthorizationAttributes(WebhookAuthorizerTest.ALICE, "list", true, "",
                "v1", "pods", "", "", "", "/api/v1/pods").withSelectors(s);
        assertThat(pods.selectors()).isEqualTo(s);
        assertThat(pods.withVerb("create").selectors()).isEqualTo(AuthorizationSelectors.NONE);
    }
}
