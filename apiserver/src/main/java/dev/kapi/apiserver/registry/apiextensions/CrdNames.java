package dev.kapi.apiserver.registry.apiextensions;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.registry.ResourceDefinition;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionCondition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionNames;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * kube's naming and establishing controllers in one decision: which of a CRD's requested names it may have
 * (none another CRD of its group already accepted, nor a built-in resource's of that group), its
 * NamesAccepted condition (NoConflicts, or PluralConflict, SingularConflict, ShortNamesConflict, KindConflict,
 * ListKindConflict with kube's {@code "x" is already in use}) and Established once its names are accepted.
 */
public final class CrdNames {

    /**
     * The status a CRD should have: accepted names and conditions ({@code approval} is kube's
     * KubernetesAPIApprovalPolicyConformant, null outside the protected groups).
     */
    public record Decision(CustomResourceDefinitionNames acceptedNames, CustomResourceDefinitionCondition namesAccepted,
                           CustomResourceDefinitionCondition established, CustomResourceDefinitionCondition approval) {

        /** Writes these names and conditions into {@code crd}'s status. */
        public void applyTo(CustomResourceDefinition crd) {
            CrdConditions.set(crd, namesAccepted);
            CrdConditions.set(crd, established);
            if (approval != null) {
                CrdConditions.set(crd, approval);
            }
            crd.getStatus().setAcceptedNames(acceptedNames);
        }
    }

    private CrdNames() {
    }

    /**
     * @param others   every other CRD (those of other groups are ignored)
     * @param builtIns the resources served now (only built-in ones of the CRD's group count)
     */
    public static Decision decide(CustomResourceDefinition crd, Collection<CustomResourceDefinition> others,
                                  Collection<ResourceDefinition<?>> builtIns) {
        String group = crd.getSpec().getGroup();
        Set<String> resources = new HashSet<>();
        Set<String> kinds = new HashSet<>();
        for (CustomResourceDefinition o : others) {
            if (o.getMetadata().getName().equals(crd.getMetadata().getName()) || o.getSpec() == null
                    || !group.equals(o.getSpec().getGroup()) || o.getStatus() == null
                    || o.getStatus().getAcceptedNames() == null) {
                continue;
            }
            CustomResourceDefinitionNames n = o.getStatus().getAcceptedNames();
            addIfSet(resources, n.getPlural());
            addIfSet(resources, n.getSingular());
            if (n.getShortNames() != null) {
                resources.addAll(n.getShortNames());
            }
            addIfSet(kinds, n.getKind());
            addIfSet(kinds, n.getListKind());
        }
        for (ResourceDefinition<?> d : builtIns) {
            if (d.group().equals(group) && d.type() != GenericKubernetesResource.class) {
                resources.add(d.resource());
                resources.add(d.singular());
                resources.addAll(d.shortNames());
                kinds.add(d.kind());
                kinds.add(d.listKind());
            }
        }
        CustomResourceDefinitionNames requested = crd.getSpec().getNames();
        CustomResourceDefinitionNames accepted = crd.getStatus() == null || crd.getStatus().getAcceptedNames() == null
                ? new CustomResourceDefinitionNames() : crd.getStatus().getAcceptedNames();
        CustomResourceDefinitionNames names = Json.convert(Json.tree(accepted), CustomResourceDefinitionNames.class);
        List<String[]> conflicts = new ArrayList<>();
        String why = conflict(requested.getPlural(), accepted.getPlural(), resources);
        if (why == null) {
            names.setPlural(requested.getPlural());
        } else {
            conflicts.add(new String[] {"PluralConflict", why});
        }
        why = conflict(requested.getSingular(), accepted.getSingular(), resources);
        if (why == null) {
            names.setSingular(requested.getSingular());
        } else {
            conflicts.add(new String[] {"SingularConflict", why});
        }
        List<String> wantedShort = requested.getShortNames() == null ? List.of() : requested.getShortNames();
        List<String> haveShort = accepted.getShortNames() == null ? List.of() : accepted.getShortNames();
        if (!wantedShort.equals(haveShort)) {
            List<String> errs = new ArrayList<>();
            for (String s : wantedShort) {
                String e = haveShort.contains(s) ? null : conflict(s, "", resources);
                if (e != null) {
                    errs.add(e);
                }
            }
            if (errs.isEmpty()) {
                names.setShortNames(wantedShort);
            } else {
                conflicts.add(new String[] {"ShortNamesConflict",
                        errs.size() == 1 ? errs.get(0) : "[" + String.join(", ", errs) + "]"});
            }
        }
        why = conflict(requested.getKind(), accepted.getKind(), kinds);
        if (why == null) {
            names.setKind(requested.getKind());
        } else {
            conflicts.add(new String[] {"KindConflict", why});
        }
        why = conflict(requested.getListKind(), accepted.getListKind(), kinds);
        if (why == null) {
            names.setListKind(requested.getListKind());
        } else {
            conflicts.add(new String[] {"ListKindConflict", why});
        }
        names.setCategories(requested.getCategories());
        CustomResourceDefinitionCondition namesAccepted = conflicts.isEmpty()
                ? CrdConditions.of(CrdConditions.NAMES_ACCEPTED, "True", "NoConflicts", "no conflicts found")
                : CrdConditions.of(CrdConditions.NAMES_ACCEPTED, "False", conflicts.getLast()[0],
                conflicts.getLast()[1]);
        CustomResourceDefinitionCondition established = CrdConditions.find(crd, CrdConditions.ESTABLISHED);
        if (established == null) {
            established = CrdConditions.of(CrdConditions.ESTABLISHED, "False", "NotAccepted",
                    "not all names are accepted");
        }
        if (!"True".equals(established.getStatus()) && conflicts.isEmpty()) {
            established = CrdConditions.of(CrdConditions.ESTABLISHED, "True", "InitialNamesAccepted",
                    "the initial names have been accepted");
        }
        return new Decision(names, namesAccepted, established, ApiApproval.condition(crd));
    }

    /** kube's {@code equalToAcceptedOrFresh}: null when the name may be taken, else why not. */
    private static String conflict(String requested, String accepted, Set<String> used) {
        if (Objects.equals(requested, accepted) || requested == null || !used.contains(requested)) {
            return null;
        }
        return "\"" + requested + "\" is already in use";
    }

    private static void addIfSet(Set<String> set, String value) {
        if (value != null && !value.isEmpty()) {
            set.add(value);
        }
    }
}
