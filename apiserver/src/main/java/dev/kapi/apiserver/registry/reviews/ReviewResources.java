package dev.kapi.apiserver.registry.reviews;

import dev.kapi.apiserver.registry.ResourceDefinition;
import io.fabric8.kubernetes.api.model.authentication.SelfSubjectReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authorization.v1.LocalSubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;

import java.util.List;

/**
 * The review APIs of {@code authentication.k8s.io/v1} and {@code authorization.k8s.io/v1}: resources that
 * only serve {@code create}, answer in the returned object's status and store nothing (kube-apiserver's
 * {@code pkg/registry/authentication} and {@code pkg/registry/authorization}). Their handlers live in the
 * endpoints stage.
 */
public final class ReviewResources {

    public static final String AUTHENTICATION = "authentication.k8s.io";
    public static final String AUTHORIZATION = "authorization.k8s.io";

    private ReviewResources() {
    }

    public static List<ResourceDefinition<?>> all() {
        return List.of(
                ResourceDefinition.builder(AUTHENTICATION, "v1", "selfsubjectreviews", "SelfSubjectReview",
                        SelfSubjectReview.class).clusterScoped().verbs("create").build(),
                ResourceDefinition.builder(AUTHENTICATION, "v1", "tokenreviews", "TokenReview", TokenReview.class)
                        .clusterScoped().verbs("create").build(),
                ResourceDefinition.builder(AUTHORIZATION, "v1", "localsubjectaccessreviews", "LocalSubjectAccessReview",
                        LocalSubjectAccessReview.class).verbs("create").build(),
                ResourceDefinition.builder(AUTHORIZATION, "v1", "selfsubjectaccessreviews", "SelfSubjectAccessReview",
                        SelfSubjectAccessReview.class).clusterScoped().verbs("create").build(),
                ResourceDefinition.builder(AUTHORIZATION, "v1", "selfsubjectrulesreviews", "SelfSubjectRulesReview",
                        SelfSubjectRulesReview.class).clusterScoped().verbs("create").build(),
                ResourceDefinition.builder(AUTHORIZATION, "v1", "subjectaccessreviews", "SubjectAccessReview",
                        SubjectAccessReview.class).clusterScoped().verbs("create").build());
    }
}
