package dev.kapi.apiserver.registry.apiextensions;

import static dev.kapi.apiserver.registry.apiextensions.CrdFixtures.accepted;
import static dev.kapi.apiserver.registry.apiextensions.CrdFixtures.crd;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kapi.apiserver.registry.BuiltInResources;
import dev.kapi.apiserver.registry.RegistryContext;
import dev.kapi.apiserver.registry.ResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import java.util.List;
import org.junit.jupiter.api.Test;

/** kube's naming and establishing decisions: conflicts within a group, with built-ins, and kube's messages. */
class CrdNamesTest {

    private static final List<ResourceDefinition<?>> NONE = List.of();

    @Test
    void freshNamesAreAcceptedAndTheCrdEstablished() {
        CustomResourceDefinition w = crd("example.com", "widgets", "Widget", "wd");
        new CrdStrategy().prepareForCreate(w);
        CrdNames.Decision d = CrdNames.decide(w, List.of(), NONE);
        assertThat(d.acceptedNames().getPlural()).isEqualTo("widgets");
        assertThat(d.acceptedNames().getShortNames()).containsExactly("wd");
        assertThat(d.acceptedNames().getListKind()).isEqualTo("WidgetList");
        assertThat(d.namesAccepted().getStatus()).isEqualTo("True");
        assertThat(d.namesAccepted().getReason()).isEqualTo("NoConflicts");
        assertThat(d.namesAccepted().getMessage()).isEqualTo("no conflicts found");
        assertThat(d.established().getStatus()).isEqualTo("True");
        assertThat(d.established().getReason()).isEqualTo("InitialNamesAccepted");
    }

    @Test
    void aPluralAnotherCrdOfTheGroupAcceptedIsRefused() {
        CustomResourceDefinition first = accepted(crd("example.com", "widgets", "Widget"));
        CustomResourceDefinition second = crd("example.com", "widgets", "Gadget");
        second.getMetadata().setName("widgets.example.com-2");
        new CrdStrategy().prepareForCreate(second);
        CrdNames.Decision d = CrdNames.decide(second, List.of(first, second), NONE);
        assertThat(d.namesAccepted().getStatus()).isEqualTo("False");
        assertThat(d.namesAccepted().getReason()).isEqualTo("PluralConflict");
        assertThat(d.namesAccepted().getMessage()).isEqualTo("\"widgets\" is already in use");
        assertThat(d.acceptedNames().getPlural()).isNullOrEmpty();
        assertThat(d.acceptedNames().getKind()).isEqualTo("Gadget");
        assertThat(d.established().getStatus()).isEqualTo("False");
        assertThat(d.established().getReason()).isEqualTo("NotAccepted");
    }

    @Test
    void theSameNamesInAnotherGroupAreFine() {
        CustomResourceDefinition first = accepted(crd("example.com", "widgets", "Widget", "wd"));
        CustomResourceDefinition other = crd("example.org", "widgets", "Widget", "wd");
        new CrdStrategy().prepareForCreate(other);
        assertThat(CrdNames.decide(other, List.of(first, other), NONE).namesAccepted().getStatus()).isEqualTo("True");
    }

    @Test
    void kindShortNameAndListKindConflictsAreNamed() {
        CustomResourceDefinition first = accepted(crd("example.com", "widgets", "Widget", "wd"));
        CustomResourceDefinition kind = crd("example.com", "gadgets", "Widget");
        new CrdStrategy().prepareForCreate(kind);
        assertThat(CrdNames.decide(kind, List.of(first), NONE).namesAccepted().getReason()).isEqualTo("ListKindConflict");
        CustomResourceDefinition shortName = crd("example.com", "gizmos", "Gizmo", "wd");
        new CrdStrategy().prepareForCreate(shortName);
        CrdNames.Decision d = CrdNames.decide(shortName, List.of(first), NONE);
        assertThat(d.namesAccepted().getReason()).isEqualTo("ShortNamesConflict");
        assertThat(d.namesAccepted().getMessage()).isEqualTo("\"wd\" is already in use");
        assertThat(d.acceptedNames().getPlural()).isEqualTo("gizmos");
        assertThat(d.acceptedNames().getShortNames()).isNullOrEmpty();
    }

    @Test
    void aBuiltInResourceOfTheGroupKeepsItsNames() {
        List<ResourceDefinition<?>> builtIns = BuiltInResources.all(new RegistryContext(null, "/registry",
                "10.0.0.0/24", "30000-32767"));
        CustomResourceDefinition ingresses = crd("networking.k8s.io", "ingresses", "MyIngress");
        new CrdStrategy().prepareForCreate(ingresses);
        CrdNames.Decision d = CrdNames.decide(ingresses, List.of(), builtIns);
        assertThat(d.namesAccepted().getReason()).isEqualTo("PluralConflict");
        assertThat(d.namesAccepted().getMessage()).isEqualTo("\"ingresses\" is already in use");
    }

    @Test
    void namesOnceAcceptedStayAcceptedEvenWhenAnotherCrdClaimsThem() {
        CustomResourceDefinition mine = accepted(crd("example.com", "widgets", "Widget", "wd"));
        CustomResourceDefinition thief = accepted(crd("example.com", "widgets", "Widget", "wd"));
        thief.getMetadata().setName("other");
        assertThat(CrdNames.decide(mine, List.of(mine, thief), NONE).namesAccepted().getStatus()).isEqualTo("True");
    }

    @Test
    void crdsOfKubesOwnGroupsGetTheApiApprovalCondition() {
        CustomResourceDefinition plain = crd("example.com", "widgets", "Widget");
        new CrdStrategy().prepareForCreate(plain);
        assertThat(CrdNames.decide(plain, List.of(), NONE).approval()).isNull();
        for (String[] c : new String[][] {
                {"https://github.com/kubernetes/kubernetes/pull/79724", "True", "ApprovedAnnotation",
                        "approved in https://github.com/kubernetes/kubernetes/pull/79724"},
                {"unapproved, experimental", "False", "UnapprovedAnnotation", "not approved: \"unapproved, experimental\""}}) {
            CustomResourceDefinition crd = crd("x.k8s.io", "widgets", "Widget");
            crd.getMetadata().setAnnotations(java.util.Map.of("api-approved.kubernetes.io", c[0]));
            new CrdStrategy().prepareForCreate(crd);
            var approval = CrdNames.decide(crd, List.of(), NONE).approval();
            assertThat(approval.getType()).isEqualTo("KubernetesAPIApprovalPolicyConformant");
            assertThat(List.of(approval.getStatus(), approval.getReason(), approval.getMessage()))
                    .containsExactly(c[1], c[2], c[3]);
        }
    }

    @Test
    void theStartupWarmUpBuildsDefaultsAndValidatesAWholeCustomResource() {
        CustomResources.exerciseDefinitions(); // throws when its CRD is refused or its object is not defaulted and valid
    }
}
