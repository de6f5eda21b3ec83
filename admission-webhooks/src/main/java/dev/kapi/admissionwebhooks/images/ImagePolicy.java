package dev.kapi.admissionwebhooks.images;

import dev.kapi.admissionwebhooks.review.Review;
import dev.kapi.admissionwebhooks.review.Verdict;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * A rule every container image must follow, and the verdict on a review it implies: on CREATE each image
 * that breaks the rule denies the request; on UPDATE only images the update introduces do, images the old
 * object already had become warnings. DELETE and CONNECT, and kinds without containers, are allowed.
 *
 * @param problem what is wrong with an image ({@code "uses the :latest tag"}), null when nothing is
 * @param hint    a sentence appended to a denial (what is allowed), or ""
 */
public record ImagePolicy(Function<ImageReference, String> problem, String hint) {

    public Verdict decide(Review review) {
        if (review.object() == null || !ContainerImages.runsContainers(review.kind())
                || !(review.operation().equals("CREATE") || review.operation().equals("UPDATE"))) {
            return Verdict.allow();
        }
        Set<String> before = review.operation().equals("UPDATE")
                ? ContainerImages.imageSet(review.kind(), review.oldObject()) : Set.of();
        List<String> violations = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        for (ContainerImages.ContainerImage c : ContainerImages.of(review.kind(), review.object())) {
            String why = problem.apply(ImageReference.parse(c.image()));
            if (why == null) {
                continue;
            }
            String text = "image \"" + c.image() + "\" of container \"" + c.container() + "\" " + why;
            if (before.contains(c.image())) {
                warnings.add(text + " (allowed: the object had it before this update)");
            } else {
                violations.add(text);
            }
        }
        if (violations.isEmpty()) {
            return Verdict.allow(warnings);
        }
        return Verdict.deny(review.describeObject() + ": " + String.join("; ", violations)
                + (hint.isEmpty() ? "" : ". " + hint), warnings);
    }
}
