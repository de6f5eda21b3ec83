package dev.kapi.apiserver.testing;

import dev.kapi.apiserver.admission.AdmissionAttributes;
import dev.kapi.apiserver.admission.ValidatingAdmission;

import java.util.function.Consumer;

/** A validating admission plugin named "Recorder" that hands every request it sees to a test and admits it. */
public final class RecordingAdmission {

    private RecordingAdmission() {
    }

    public static ValidatingAdmission of(Consumer<AdmissionAttributes> seen) {
        return new ValidatingAdmission() {
            @Override
            public String name() {
                return "Recorder";
            }

            @Override
            public void validate(AdmissionAttributes a) {
                seen.accept(a);
            }
        };
    }
}
