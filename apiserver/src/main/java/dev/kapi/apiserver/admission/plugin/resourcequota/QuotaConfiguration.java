package dev.kapi.apiserver.admission.plugin.resourcequota;

import dev.kapi.apiserver.api.GroupResource;
import io.fabric8.kubernetes.api.model.ScopedResourceSelectorRequirement;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The ResourceQuota plugin's configuration from the admission configuration file (kube's
 * {@code ResourceQuotaConfiguration}, {@code apiserver.config.k8s.io/v1}): {@code limitedResources}, each a
 * resource ({@code apiGroup}, {@code resource}) whose consumption of names containing one of
 * {@code matchContains}, or whose objects in one of {@code matchScopes}, needs a covering quota.
 */
public record QuotaConfiguration(List<LimitedResource> limitedResources) {

    public static final QuotaConfiguration NONE = new QuotaConfiguration(List.of());
    private static final Set<String> OPERATORS = Set.of("In", "NotIn", "Exists", "DoesNotExist");

    /** One entry of {@code limitedResources}. */
    public record LimitedResource(String apiGroup, String resource, List<String> matchContains,
                                  List<ScopedResourceSelectorRequirement> matchScopes) {
    }

    public QuotaConfiguration {
        limitedResources = List.copyOf(limitedResources);
    }

    /** The entries for {@code gr}. */
    public List<LimitedResource> limitedFor(GroupResource gr) {
        return limitedResources.stream().filter(l -> l.apiGroup().equals(gr.group())
                && l.resource().equals(gr.resource())).toList();
    }

    /**
     * Reads the plugin's configuration (an empty object: none).
     *
     * @throws IllegalArgumentException in kube's words when an entry lacks its resource or a scope is invalid
     */
    public static QuotaConfiguration parse(JsonNode node) {
        List<LimitedResource> out = new ArrayList<>();
        int i = 0;
        for (JsonNode l : node.path("limitedResources")) {
            String resource = l.path("resource").asString("");
            if (resource.isEmpty()) {
                throw new IllegalArgumentException("limitedResources[" + i + "].resource: Required value");
            }
            List<String> contains = new ArrayList<>();
            l.path("matchContains").forEach(c -> contains.add(c.asString("")));
            List<ScopedResourceSelectorRequirement> scopes = new ArrayList<>();
            int j = 0;
            for (JsonNode s : l.path("matchScopes")) {
                String operator = s.path("operator").asString("");
                if (!OPERATORS.contains(operator)) {
                    throw new IllegalArgumentException("limitedResources[" + i + "].matchScopes[" + j
                            + "].operator: Invalid value: \"" + operator + "\": not a valid selector operator");
                }
                List<String> values = new ArrayList<>();
                s.path("values").forEach(v -> values.add(v.asString("")));
                scopes.add(new ScopedResourceSelectorRequirement(operator, s.path("scopeName").asString(""),
                        values.isEmpty() ? null : values));
                j++;
            }
            out.add(new LimitedResource(l.path("apiGroup").asString(""), resource, List.copyOf(contains),
                    List.copyOf(scopes)));
            i++;
        }
        return new QuotaConfiguration(out);
    }
}
