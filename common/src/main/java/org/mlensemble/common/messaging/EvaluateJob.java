package org.mlensemble.common.messaging;

/** Predict the labelled test file of the model's dataset, so the api can score the ensemble. */
public record EvaluateJob(String modelId) {
}
