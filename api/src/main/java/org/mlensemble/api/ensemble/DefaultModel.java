package org.mlensemble.api.ensemble;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.mlensemble.api.membership.ModelView;

/**
 * Which model serves a predict or an evaluate that names none. On a cluster several people use,
 * "whoever fitted last" answers with someone else's model; so the default is the newest model that
 * fits the request: for a predict, whose columns accept every column the request names; for an
 * evaluate, of the dataset asked for. When the request fits the newest models of several datasets
 * (or targets) alike, no choice is safe and the answer is a 409 that lists them.
 */
public final class DefaultModel {

    private DefaultModel() {
    }

    /**
     * @param models    every known model, newest first
     * @param requested the columns the predict names
     */
    public static ModelView forPredict(List<ModelView> models, Collection<String> requested) {
        List<ModelView> usable = servable(models);
        List<ModelView> fitting = usable.stream().filter(m -> m.accepts(requested)).toList();
        if (fitting.isEmpty()) {
            TreeSet<String> known = new TreeSet<>();
            usable.forEach(m -> {
                if (m.columns() != null) {
                    known.addAll(m.columns());
                }
            });
            TreeSet<String> unknown = new TreeSet<>(requested);
            unknown.removeAll(known);
            throw new InvalidRequestException((unknown.isEmpty()
                    ? "no single model accepts every column of the request"
                    : "unknown column(s) " + String.join(", ", unknown) + ": no model was trained on them")
                    + ". GET /v1/ml-distributed/models/{id} shows a model's columns; pass modelId to choose one.");
        }
        return unambiguous(fitting, "whose columns accept the request");
    }

    /**
     * @param models  every known model, newest first
     * @param dataset the dataset asked for, or null for any
     */
    public static ModelView forEvaluate(List<ModelView> models, String dataset) {
        List<ModelView> usable = servable(models);
        if (dataset == null) {
            return unambiguous(usable, "");
        }
        List<ModelView> of = usable.stream().filter(m -> dataset.equals(m.dataset())).toList();
        if (of.isEmpty()) {
            throw new NoModelException("No model of dataset '" + dataset + "' exists: fit one first"
                    + " (POST /v1/ml-distributed/fit with {\"dataset\": \"" + dataset + "\", ...}).");
        }
        return of.get(0);
    }

    /** The models some live learner holds, newest first; else every known one. */
    private static List<ModelView> servable(List<ModelView> models) {
        if (models.isEmpty()) {
            throw new NoModelException();
        }
        List<ModelView> live = models.stream().filter(m -> !m.liveHolders().isEmpty()).toList();
        return live.isEmpty() ? models : live;
    }

    /** The newest of {@code candidates}, when they are all of one dataset and target; else a 409. */
    private static ModelView unambiguous(List<ModelView> candidates, String which) {
        Map<String, ModelView> newestPerKind = new LinkedHashMap<>();
        for (ModelView m : candidates) {
            newestPerKind.putIfAbsent(m.dataset() + " -> " + m.target(), m);
        }
        if (newestPerKind.size() == 1) {
            return candidates.get(0);
        }
        List<String> listed = new ArrayList<>();
        newestPerKind.forEach((kind, m) -> listed.add(m.modelId() + " (" + kind + ", created "
                + Instant.ofEpochMilli(m.createdAt()) + ")"));
        throw new AmbiguousModelException("The newest models " + which + (which.isEmpty() ? "" : " ")
                + "are of " + newestPerKind.size() + " datasets or targets, so none is a safe default: "
                + String.join("; ", listed) + ". Pass modelId (or, for evaluate, dataset) to choose.",
                newestPerKind.values().stream().map(ModelView::modelId).toList());
    }
}
