package dev.kapi.apiserver.admission.plugin.resourcequota;

import dev.kapi.apiserver.admission.plugin.Amount;
import dev.kapi.apiserver.admission.AdmissionAttributes;
import dev.kapi.apiserver.admission.AdmissionAttributes.Operation;
import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.testing.Attributes;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.Service;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/** Objects for quota tests, written as JSON with single quotes. */
final class QuotaFixtures {

    private QuotaFixtures() {
    }

    static <T> T read(String json, Class<T> type) {
        return Json.read(json.replace('\'', '"').getBytes(StandardCharsets.UTF_8), type);
    }

    /** A pod named "p" whose spec is the given JSON object body (without braces). */
    static Pod pod(String spec) {
        return read("{'metadata':{'name':'p','namespace':'ns'},'spec':{" + spec + "}}", Pod.class);
    }

    /** A container named {@code name} with the given requests and limits (JSON object bodies). */
    static String container(String name, String requests, String limits) {
        return "{'name':'" + name + "','image':'i','resources':{'requests':{" + requests + "},'limits':{" + limits
                + "}}}";
    }

    static Service service(String spec) {
        return read("{'metadata':{'name':'s','namespace':'ns'},'spec':{" + spec + "}}", Service.class);
    }

    static PersistentVolumeClaim claim(String body) {
        return read("{'metadata':{'name':'c','namespace':'ns'" + "}," + body + "}", PersistentVolumeClaim.class);
    }

    /** A quota {@code name} with the spec body, and {@code hard}/{@code used} in its status (null: no status). */
    static ResourceQuota quota(String name, String spec, String hard, String used) {
        String status = hard == null ? "" : ",'status':{'hard':{" + hard + "}" + (used == null ? "" : ",'used':{"
                + used + "}") + "}";
        return read("{'metadata':{'name':'" + name + "','namespace':'ns','resourceVersion':'7'},'spec':{" + spec
                + "}" + status + "}", ResourceQuota.class);
    }

    /** {@code name=value,...} sorted, for comparing usage. */
    static String text(Map<String, Amount> usage) {
        return ResourceLists.pretty(new TreeMap<>(usage));
    }

    static AdmissionAttributes write(Operation op, String resource, HasMetadata obj, HasMetadata old, boolean dryRun) {
        String kind = obj != null ? obj.getKind() : old.getKind();
        return Attributes.of(op, "", "v1", resource, "", kind, "ns", obj != null ? obj.getMetadata().getName() : "",
                obj, old, null, dryRun);
    }
}
