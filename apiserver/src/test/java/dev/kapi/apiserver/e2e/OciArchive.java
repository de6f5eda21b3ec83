package dev.kapi.apiserver.e2e;

import dev.kapi.apiserver.api.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import tools.jackson.databind.JsonNode;

/**
 * A container image in an OCI archive (Jib's {@code target/jib-image.tar}), unpacked with {@code tar}: the
 * image layout's {@code index.json}, the one manifest it names, the image config and the layer blobs, each found
 * by its digest. Reads; checking is the test's.
 */
final class OciArchive {

    /** A blob the manifest names: its descriptor's digest and size, and the file in {@code blobs/}. */
    record Blob(String mediaType, String digest, long size, Path file) {
    }

    private final JsonNode index;
    private final Blob manifestBlob;
    private final JsonNode manifest;
    private final Blob configBlob;
    private final JsonNode config;
    private final List<Blob> layers = new ArrayList<>();

    private OciArchive(Path layout) throws IOException {
        index = read(layout.resolve("index.json"));
        manifestBlob = blob(layout, index.path("manifests").path(0));
        manifest = read(manifestBlob.file());
        configBlob = blob(layout, manifest.path("config"));
        config = read(configBlob.file());
        for (JsonNode layer : manifest.path("layers")) {
            layers.add(blob(layout, layer));
        }
    }

    /** Unpacks {@code tar} into {@code dir} and reads it. */
    static OciArchive open(Path tar, Path dir) {
        try {
            Files.createDirectories(dir);
            run(List.of("tar", "-xf", tar.toString(), "-C", dir.toString()));
            return new OciArchive(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    JsonNode index() {
        return index;
    }

    Blob manifestBlob() {
        return manifestBlob;
    }

    JsonNode manifest() {
        return manifest;
    }

    Blob configBlob() {
        return configBlob;
    }

    /** The image config ({@code application/vnd.oci.image.config.v1+json}). */
    JsonNode config() {
        return config;
    }

    List<Blob> layers() {
        return layers;
    }

    /**
     * Extracts the layers, in order, into {@code root} as a container runtime lays out the image's file system
     * ({@code tar} run as root keeps each entry's owner and mode).
     */
    void unpack(Path root) throws IOException {
        Files.createDirectories(root);
        for (Blob layer : layers) {
            run(List.of("tar", "--same-owner", "--same-permissions", "-xzf", layer.file().toString(),
                    "-C", root.toString()));
        }
    }

    /** {@code sha256:<hex>} of a file's bytes. */
    static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return digest(in);
        }
    }

    /** {@code sha256:<hex>} of a gzip file's uncompressed bytes (a layer's diff ID). */
    static String sha256Uncompressed(Path gzipFile) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gzipFile))) {
            return digest(in);
        }
    }

    private static String digest(InputStream in) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (DigestInputStream d = new DigestInputStream(in, sha)) {
            d.transferTo(OutputStream.nullOutputStream());
        }
        return "sha256:" + HexFormat.of().formatHex(sha.digest());
    }

    private static Blob blob(Path layout, JsonNode descriptor) {
        String digest = descriptor.path("digest").asString();
        Path file = layout.resolve("blobs").resolve(digest.replace(':', '/'));
        return new Blob(descriptor.path("mediaType").asString(), digest, descriptor.path("size").asLong(-1), file);
    }

    private static JsonNode read(Path file) throws IOException {
        return Json.MAPPER.readTree(Files.readString(file));
    }

    private static void run(List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
