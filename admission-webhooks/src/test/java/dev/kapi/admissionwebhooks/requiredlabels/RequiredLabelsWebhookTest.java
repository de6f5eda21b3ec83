package dev.kapi.admissionwebhooks.requiredlabels;

import dev.kapi.admissionwebhooks.review.Verdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Map;

import static dev.kapi.admissionwebhooks.testing.Reviews.json;
import static dev.kapi.admissionwebhooks.testing.Reviews.review;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RequiredLabelsWebhookTest {

    private final RequiredLabelsWebhook webhook = new RequiredLabelsWebhook(new RequiredLabelsWebhook.Settings(true,
            Map.of("team-a", List.of("team", "example.com/cost-center"), "team-b", List.of("owner")),
            List.of("pods", "deployments"), "Fail"));

    /** A Deployment named web with the labels ("k=v,k2=v2"; "" for none, "-" for no labels map). */
    private static ObjectNode deployment(String labels) {
        ObjectNode d = json("""
                {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{}}""");
        if (!labels.equals("-")) {
            ObjectNode map = ((ObjectNode) d.get("metadata")).putObject("labels");
            for (String pair : labels.isEmpty() ? new String[0] : labels.split(",")) {
                String[] kv = pair.split("=", -1);
                map.put(kv[0], kv[1]);
            }
        }
        return d;
    }

    @ParameterizedTest(name = "{0} in {1} with [{2}]: {3}")
    @CsvSource(delimiter = '|', value = {
            "CREATE | team-a  | team=x,example.com/cost-center=42 | allowed",
            "CREATE | team-a  | team=,example.com/cost-center=    | allowed",
            "CREATE | team-a  | team=x,other=y                    | example.com/cost-center",
            "CREATE | team-a  | ''                                | example.com/cost-center, team",
            "CREATE | team-a  | -                                 | example.com/cost-center, team",
            "CREATE | team-b  | owner=me                          | allowed",
            "CREATE | team-b  | team=x                            | owner",
            // namespaces without required labels
            "CREATE | default | ''                                | allowed",
            "CREATE | ''      | ''                                | allowed",
            "UPDATE | team-b  | team=x                            | owner",
    })
    void decidesByTheNamespacesRequiredLabels(String operation, String namespace, String labels, String expected) {
        Verdict verdict = webhook.review(review(operation, namespace, deployment(labels),
                operation.equals("UPDATE") ? deployment("owner=me") : null));
        if (expected.equals("allowed")) {
            assertThat(verdict.allowed()).isTrue();
            assertThat(verdict.warnings()).isEmpty();
        } else {
            assertThat(verdict.allowed()).isFalse();
            assertThat(verdict.code()).isEqualTo(403);
            assertThat(verdict.message()).isEqualTo("Deployment \"web\" is missing labels required in namespace \""
                    + namespace + "\": " + expected);
        }
    }

    @Test
    void anUpdateOfAnObjectThatLackedTheLabelsIsWarnedNotDenied() {
        Verdict verdict = webhook.review(review("UPDATE", "team-a", deployment("team=x"), deployment("")));
        assertThat(verdict.allowed()).isTrue();
        assertThat(verdict.warnings()).containsExactly("Deployment \"web\" is missing labels required in namespace "
                + "\"team-a\": example.com/cost-center (allowed: it lacked them before this update)");
        // removing a label it had is denied
        Verdict removed = webhook.review(review("UPDATE", "team-a", deployment("example.com/cost-center=1"),
                deployment("team=x,example.com/cost-center=1")));
        assertThat(removed.allowed()).isFalse();
        assertThat(removed.message()).endsWith(": team");
    }

    @Test
    void deletesAndObjectsBeingDeletedAreAllowed() {
        assertThat(webhook.review(review("DELETE", "team-a", null, deployment(""))).allowed()).isTrue();
        ObjectNode terminating = deployment("");
        ((ObjectNode) terminating.get("metadata")).put("deletionTimestamp", "2026-01-01T00:00:00Z");
        assertThat(webhook.review(review("UPDATE", "team-a", terminating, deployment("team=x"))).allowed()).isTrue();
    }

    @Test
    void aPodWithOnlyAGenerateNameIsNamedByIt() {
        Verdict verdict = webhook.review(review("CREATE", "team-b", json("""
                {"apiVersion":"v1","kind":"Pod","metadata":{"generateName":"web-7d9f-"},"spec":{}}"""), null));
        assertThat(verdict.message()).isEqualTo("Pod (generateName \"web-7d9f-\") is missing labels required in "
                + "namespace \"team-b\": owner");
    }

    @Test
    void isRegisteredForItsNamespacesAndResourcesOnly() {
        var registration = webhook.registration();
        assertThat(registration.namespaceSelector().getMatchExpressions()).singleElement().satisfies(e -> {
            assertThat(e.getKey()).isEqualTo("kubernetes.io/metadata.name");
            assertThat(e.getOperator()).isEqualTo("In");
            assertThat(e.getValues()).containsExactly("team-a", "team-b");
        });
        assertThat(registration.rules()).singleElement().satisfies(r -> {
            assertThat(r.getResources()).containsExactly("pods", "deployments");
            assertThat(r.getOperations()).containsExactly("CREATE", "UPDATE");
        });
    }

    @Test
    void badSettingsAreRejected() {
        assertThatThrownBy(() -> new RequiredLabelsWebhook(new RequiredLabelsWebhook.Settings(true, Map.of(),
                List.of("pods"), "Fail"))).hasMessageStartingWith("webhooks.required-labels.namespaces is empty");
        assertThatThrownBy(() -> new RequiredLabelsWebhook(new RequiredLabelsWebhook.Settings(true,
                Map.of("a", List.of("bad key!")), List.of("pods"), "Fail")))
                .hasMessage("webhooks.required-labels.namespaces.a: \"bad key!\" is not a valid label key");
        assertThatThrownBy(() -> new RequiredLabelsWebhook(new RequiredLabelsWebhook.Settings(true,
                Map.of("a", List.of("team")), List.of(), "Fail")))
                .hasMessageStartingWith("webhooks.required-labels.resources is empty");
    }
}
