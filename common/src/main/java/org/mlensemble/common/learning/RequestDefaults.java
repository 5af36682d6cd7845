package org.mlensemble.common.learning;

import java.util.List;

/**
 * What a request that leaves a field out gets: the api applies these, the CLI waits by the deadlines,
 * and the in-process reference trainer fits as a fit without a body would. Written once, here.
 */
public final class RequestDefaults {

    /** The dataset a fit or evaluate uses when none is named: the project's generated house prices. */
    public static final String DATASET = "house_pricing";
    public static final String TARGET = "SalePrice";
    public static final long SEED = 42L;
    /** Identifier columns left out of the features. */
    public static final List<String> IGNORE = List.of("Id");

    public static final long FIT_DEADLINE_MS = 120_000;
    public static final long EVALUATE_DEADLINE_MS = 30_000;
    public static final long PREDICT_DEADLINE_MS = 2_000;

    private RequestDefaults() {
    }
}
