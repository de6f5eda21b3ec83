package dev.kapi.admissionwebhooks.images;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class ImageReferenceTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(nullValues = "-", value = {
            // image,                                   registry,              repository,          tag,     digest
            "nginx,                                      docker.io,             library/nginx,       -,       -",
            "nginx:1.27,                                 docker.io,             library/nginx,       1.27,    -",
            "bitnami/redis:7,                            docker.io,             bitnami/redis,       7,       -",
            "docker.io/nginx,                            docker.io,             library/nginx,       -,       -",
            "index.docker.io/library/nginx:latest,       docker.io,             library/nginx,       latest,  -",
            "Docker.IO/acme/app:v1,                      docker.io,             acme/app,            v1,      -",
            "ghcr.io/acme/app:v2,                        ghcr.io,               acme/app,            v2,      -",
            "registry.example.com:5000/team/app,         registry.example.com:5000, team/app,        -,       -",
            "localhost/app:dev,                          localhost,             app,                 dev,     -",
            "localhost:5000/app,                         localhost:5000,        app,                 -,       -",
            "nginx@sha256:0123abcd,                      docker.io,             library/nginx,       -,       sha256:0123abcd",
            "quay.io/org/app:1.0@sha256:0123abcd,        quay.io,               org/app,             1.0,     sha256:0123abcd",
            // a first component without . or : is a Docker Hub user, not a registry
            "myregistry/app:1,                           docker.io,             myregistry/app,      1,       -",
    })
    void splitsLikeTheContainerRuntime(String image, String registry, String repository, String tag, String digest) {
        ImageReference ref = ImageReference.parse(image);
        assertThat(ref.registry()).isEqualTo(registry);
        assertThat(ref.repository()).isEqualTo(repository);
        assertThat(ref.tag()).isEqualTo(tag);
        assertThat(ref.digest()).isEqualTo(digest);
    }

    @ParameterizedTest(name = "{0} pinned={1}")
    @CsvSource({
            "nginx, false",
            "nginx:latest, false",
            "nginx:1.27, true",
            "nginx:Latest, true",
            "nginx@sha256:0123abcd, true",
            "nginx:latest@sha256:0123abcd, true",
            "localhost:5000/app, false",
            "localhost:5000/app:2, true",
    })
    void pinnedMeansADigestOrATagOtherThanLatest(String image, boolean pinned) {
        assertThat(ImageReference.parse(image).pinned()).isEqualTo(pinned);
    }
}
