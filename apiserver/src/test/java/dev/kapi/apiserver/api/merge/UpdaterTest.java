package dev.kapi.apiserver.api.merge;

import dev.kapi.apiserver.api.Json;
import dev.kapi.apiserver.api.fieldpath.FieldsV1;
import dev.kapi.apiserver.registry.schema.BuiltInSchemas;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Updater on a built-in type: ownership, pruning and conflicts of a Deployment's fields. */
class UpdaterTest {

    private final Updater updater = new Updater(BuiltInSchemas.of(Deployment.class));

    private static JsonNode json(String s) {
        return Json.MAPPER.readTree(s.replace('\'', '"'));
    }

    @Test
    void applyOwnsWhatItSetsAndPrunesWhatItDrops() {
        JsonNode first = json("{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'a','labels':{'x':'1'}},"
                + "'spec':{'replicas':2,'template':{'spec':{'containers':[{'name':'c','image':'i'},"
                + "{'name':'d','image':'j'}]}}}}");
        Updater.Result r = updater.apply(null, first, "apps/v1", Map.of(), "alice", false);
        assertThat(FieldsV1.of(r.managers().get("alice").set()).toString()).contains("\"f:replicas\":{}")
                .contains("\"k:{\\\"name\\\":\\\"c\\\"}\":{\".\":{}");
        JsonNode second = json("{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'a'},"
                + "'spec':{'template':{'spec':{'containers':[{'name':'c','image':'i2'}]}}}}");
        Updater.Result r2 = updater.apply(r.object(), second, "apps/v1", r.managers(), "alice", false);
        assertThat(r2.object().at("/spec/replicas").isMissingNode()).isTrue();
        assertThat(r2.object().at("/spec/template/spec/containers")).hasSize(1);
        assertThat(r2.object().at("/spec/template/spec/containers/0/image").asString()).isEqualTo("i2");
        assertThat(r2.object().at("/metadata/labels").isMissingNode() || r2.object().at("/metadata/labels").isNull())
                .isTrue();
    }

    @Test
    void anotherManagersFieldConflictsUnlessForced() {
        JsonNode first = json("{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'a'},'spec':{'replicas':2}}");
        Updater.Result r = updater.apply(null, first, "apps/v1", Map.of(), "alice", false);
        JsonNode bob = json("{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'a'},'spec':{'replicas':3}}");
        assertThatThrownBy(() -> updater.apply(r.object(), bob, "apps/v1", r.managers(), "bob", false))
                .isInstanceOf(Conflicts.class).hasMessage("conflict with \"alice\": .spec.replicas");
        Updater.Result forced = updater.apply(r.object(), bob, "apps/v1", r.managers(), "bob", true);
        assertThat(forced.managers().get("alice").set().toString()).doesNotContain("replicas");
        assertThat(forced.managers().get("bob").set().toString()).contains(".spec.replicas");
        assertThat(forced.object().at("/spec/replicas").asInt()).isEqualTo(3);
    }

    @Test
    void anUpdateTakesWhatItChanges() {
        JsonNode first = json("{'metadata':{'name':'a'},'spec':{'replicas':2,'paused':true}}");
        Updater.Result r = updater.apply(null, first, "apps/v1", Map.of(), "alice", false);
        JsonNode changed = json("{'metadata':{'name':'a'},'spec':{'replicas':5,'paused':true}}");
        Updater.Result u = updater.update(r.object(), changed, "apps/v1", r.managers(), "bob");
        assertThat(u.managers().get("bob").set().toString()).isEqualTo(".spec.replicas\n");
        assertThat(u.managers().get("alice").set().toString()).doesNotContain("replicas").contains(".spec.paused");
    }

    @Test
    void aPortWithoutProtocolIsTheLiveTcpPort() {
        JsonNode config = json("{'metadata':{'name':'a'},'spec':{'template':{'spec':{'containers':[{'name':'c',"
                + "'ports':[{'containerPort':80}]}]}}}}");
        Updater.Result r = updater.apply(null, config, "apps/v1", Map.of(), "alice", false);
        // the server defaults protocol, as kube's defaulting does
        JsonNode live = r.object().deepCopy();
        ((tools.jackson.databind.node.ObjectNode) live.at("/spec/template/spec/containers/0/ports/0")).put("protocol", "TCP");
        Updater.Result again = updater.apply(live, config, "apps/v1", r.managers(), "alice", false);
        assertThat(again.object().at("/spec/template/spec/containers/0/ports")).hasSize(1);
        assertThat(FieldsV1.of(r.managers().get("alice").set()).toString())
                .contains("k:{\\\"containerPort\\\":80,\\\"protocol\\\":\\\"TCP\\\"}");
    }
}
