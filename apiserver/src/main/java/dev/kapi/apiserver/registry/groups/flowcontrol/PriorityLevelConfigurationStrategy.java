package dev.kapi.apiserver.registry.groups.flowcontrol;

import dev.kapi.apiserver.api.FieldError;
import dev.kapi.apiserver.registry.ResourceStrategy;
import dev.kapi.apiserver.registry.TableColumn;
import dev.kapi.apiserver.registry.groups.FieldChecks;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.ExemptPriorityLevelConfiguration;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.LimitResponse;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.LimitedPriorityLevelConfiguration;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.PriorityLevelConfiguration;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.PriorityLevelConfigurationSpec;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.QueuingConfiguration;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * flowcontrol.apiserver.k8s.io/v1 prioritylevelconfigurations (cluster-scoped, +status): kube's v1 defaults
 * (nominalConcurrencyShares 30 for a limited level and 0 for an exempt one, lendablePercent 0, queues 64,
 * handSize 8, queueLengthLimit 50) and validation (type Exempt exactly for {@code exempt}, the member of the
 * other type absent, Queue needing queuing and Reject refusing it, handSize at most queues), and kube's columns.
 */
public final class PriorityLevelConfigurationStrategy implements ResourceStrategy<PriorityLevelConfiguration> {

    @Override
    public void applyDefaults(PriorityLevelConfiguration pl) {
        PriorityLevelConfigurationSpec spec = pl.getSpec();
        if (spec == null) {
            return;
        }
        LimitedPriorityLevelConfiguration limited = spec.getLimited();
        if (limited != null) {
            if (limited.getNominalConcurrencyShares() == null) {
                limited.setNominalConcurrencyShares(30);
            }
            if (limited.getLendablePercent() == null) {
                limited.setLendablePercent(0);
            }
            QueuingConfiguration q = limited.getLimitResponse() == null ? null
                    : limited.getLimitResponse().getQueuing();
            if (q != null) {
                if (zero(q.getQueues())) {
                    q.setQueues(64);
                }
                if (zero(q.getHandSize())) {
                    q.setHandSize(8);
                }
                if (zero(q.getQueueLengthLimit())) {
                    q.setQueueLengthLimit(50);
                }
            }
        }
        ExemptPriorityLevelConfiguration exempt = spec.getExempt();
        if (exempt != null) {
            if (exempt.getNominalConcurrencyShares() == null) {
                exempt.setNominalConcurrencyShares(0);
            }
            if (exempt.getLendablePercent() == null) {
                exempt.setLendablePercent(0);
            }
        }
    }

    private static boolean zero(Integer v) {
        return v == null || v == 0;
    }

    @Override
    public List<FieldError> validate(PriorityLevelConfiguration pl) {
        List<FieldError> errs = new ArrayList<>();
        PriorityLevelConfigurationSpec spec = pl.getSpec() == null ? new PriorityLevelConfigurationSpec() : pl.getSpec();
        String type = spec.getType() == null ? "" : spec.getType();
        boolean nameExempt = "exempt".equals(pl.getMetadata().getName());
        if (nameExempt != type.equals("Exempt")) {
            errs.add(FieldError.invalid("spec.type", type, "type must be 'Exempt' if and only if name is 'exempt'"));
        }
        switch (type) {
            case "Exempt" -> {
                if (spec.getLimited() != null) {
                    errs.add(FieldError.forbidden("spec.limited", "must be nil if the type is not Limited"));
                }
                if (spec.getExempt() != null) {
                    FieldChecks.nonNegative(spec.getExempt().getNominalConcurrencyShares(),
                            "spec.exempt.nominalConcurrencyShares", errs);
                    percent(spec.getExempt().getLendablePercent(), "spec.exempt.lendablePercent", errs);
                }
            }
            case "Limited" -> {
                if (spec.getExempt() != null) {
                    errs.add(FieldError.forbidden("spec.exempt", "must be nil if the type is Limited"));
                }
                if (spec.getLimited() == null) {
                    errs.add(FieldError.required("spec.limited", "must not be empty when type is Limited"));
                } else {
                    validateLimited(spec.getLimited(), errs);
                }
            }
            default -> errs.add(FieldError.notSupported("spec.type", type, List.of("Exempt", "Limited")));
        }
        return errs;
    }

    private static void validateLimited(LimitedPriorityLevelConfiguration limited, List<FieldError> errs) {
        FieldChecks.nonNegative(limited.getNominalConcurrencyShares(), "spec.limited.nominalConcurrencyShares", errs);
        percent(limited.getLendablePercent(), "spec.limited.lendablePercent", errs);
        FieldChecks.nonNegative(limited.getBorrowingLimitPercent(), "spec.limited.borrowingLimitPercent", errs);
        LimitResponse response = limited.getLimitResponse() == null ? new LimitResponse() : limited.getLimitResponse();
        String type = response.getType() == null ? "" : response.getType();
        String path = "spec.limited.limitResponse";
        switch (type) {
            case "Queue" -> {
                QueuingConfiguration q = response.getQueuing();
                if (q == null) {
                    errs.add(FieldError.required(path + ".queuing", "must not be empty if the type is Queue"));
                    return;
                }
                int queues = q.getQueues() == null ? 0 : q.getQueues();
                int handSize = q.getHandSize() == null ? 0 : q.getHandSize();
                FieldChecks.positive(q.getQueueLengthLimit() == null ? 0 : q.getQueueLengthLimit(),
                        path + ".queuing.queueLengthLimit", errs);
                FieldChecks.positive(queues, path + ".queuing.queues", errs);
                FieldChecks.positive(handSize, path + ".queuing.handSize", errs);
                if (handSize > queues && queues > 0) {
                    errs.add(FieldError.invalid(path + ".queuing.handSize", handSize,
                            "should not be greater than queues (" + queues + ")"));
                }
            }
            case "Reject" -> {
                if (response.getQueuing() != null) {
                    errs.add(FieldError.forbidden(path + ".queuing", "must be nil if limited.limitResponse.type is not Limited"));
                }
            }
            default -> errs.add(FieldError.notSupported(path + ".type", type, List.of("Queue", "Reject")));
        }
    }

    private static void percent(Integer v, String path, List<FieldError> errs) {
        if (v != null && (v < 0 || v > 100)) {
            errs.add(FieldError.invalid(path, v, "must be between 0 and 100, inclusive"));
        }
    }

    @Override
    public List<TableColumn<PriorityLevelConfiguration>> tableColumns() {
        return List.of(
                TableColumn.nameColumn(),
                TableColumn.of("Type", "string", "Type of the priority level", pl ->
                        pl.getSpec() == null ? "" : String.valueOf(pl.getSpec().getType())),
                limitedColumn("NominalConcurrencyShares", "Nominal concurrency shares",
                        l -> l.getNominalConcurrencyShares()),
                queuingColumn("Queues", "Number of queues", QueuingConfiguration::getQueues),
                queuingColumn("HandSize", "The number of queues each flow may be assigned to", QueuingConfiguration::getHandSize),
                queuingColumn("QueueLengthLimit", "The maximum number of requests in a queue",
                        QueuingConfiguration::getQueueLengthLimit),
                TableColumn.ageColumn());
    }

    /** kube's printer: the value for a limited level, {@code <none>} otherwise. */
    private static TableColumn<PriorityLevelConfiguration> limitedColumn(
            String name, String description, Function<LimitedPriorityLevelConfiguration, Integer> value) {
        return TableColumn.of(name, "string", description, pl -> {
            LimitedPriorityLevelConfiguration l = pl.getSpec() == null ? null : pl.getSpec().getLimited();
            Integer v = l == null ? null : value.apply(l);
            return v == null ? "<none>" : (Object) (long) v;
        });
    }

    private static TableColumn<PriorityLevelConfiguration> queuingColumn(
            String name, String description, Function<QueuingConfiguration, Integer> value) {
        return limitedColumn(name, description, l -> l.getLimitResponse() == null
                || l.getLimitResponse().getQueuing() == null ? null : value.apply(l.getLimitResponse().getQueuing()));
    }
}
