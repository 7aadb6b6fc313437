package dev.losscompare.core.series;

import java.util.List;

/**
 * The metrics every comparison judges unless told otherwise, every golden records, and whose
 * non-finite value stops a run: the loss and the pre-clip gradient norm.
 */
public final class DefaultMetrics {
    public static final String LOSS = "loss";
    public static final String GRAD_NORM = "grad_norm";
    public static final List<String> ALL = List.of(LOSS, GRAD_NORM);

    private DefaultMetrics() {}
}
