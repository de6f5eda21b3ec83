package dev.kapi.apiserver.registry.apiextensions.conversion;

import tools.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * Converts custom objects of one CRD between its versions (kube-apiserver's CR converter). Built by
 * {@link VersionConverters#of}; safe to share between threads.
 *
 * <p>Contract: the answer has one object per input, in the input's order. Objects whose {@code apiVersion}
 * already is {@code desiredApiVersion} come back as the very same instances and are never sent to a webhook;
 * the others come back as new objects (inputs are not modified). An empty list, or one with nothing to
 * convert, never calls a webhook. Example: {@code convert(List.of(v1Widget), "example.com/v2")} returns
 * {@code [v2Widget]} whose metadata is {@code v1Widget}'s, except for labels and annotations the webhook changed.
 */
public interface VersionConverter {

    /**
     * @throws ConversionException (a {@link dev.kapi.apiserver.api.StatusError}, code 500) with kube's message
     *         when the desired or an object's version is not one of the CRD's, or the webhook fails or answers
     *         something kube would refuse; nothing is returned in part
     */
    List<ObjectNode> convert(List<ObjectNode> objects, String desiredApiVersion);
}
