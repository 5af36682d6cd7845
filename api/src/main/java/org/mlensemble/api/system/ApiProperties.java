package org.mlensemble.api.system;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.mlensemble.common.learning.RequestDefaults;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Tunables of an api instance.
 *
 * @param quorum            default fewest members that make an answer
 * @param predictDeadline   default deadline of a predict
 * @param evaluateDeadline  default deadline of an evaluate
 * @param fitDeadline       default time a synchronous fit waits for its members
 * @param maxDeadline       the longest deadline a request may ask for
 * @param fitCatchUp        how long a fit job waits in the queue of a learner that is down
 * @param liveness          a learner not heard from for this long is not waited for
 * @param forgetAfter       a learner not heard from for this long is no longer named as missing
 * @param replyChannels     channels that publish jobs and consume their direct replies
 * @param maxRows           most rows in one predict; more gets 413
 * @param maxBodyBytes      largest request body; more gets 413
 * @param apiKey            when set, every path but the health probes and the dashboard's sign-in
 *                          page needs it ({@code X-API-Key}, {@code Authorization: Bearer}, or the
 *                          dashboard's session cookie)
 * @param sessionLifetime   how long a dashboard sign-in lasts
 * @param batching          how concurrent predicts of one model share jobs
 * @param datasets          dataset uploads
 * @param instanceName      this instance's name, as the broker's management UI shows its connections
 *                          ({@code api-1 scatter-gather}); bin/mlcluster passes api-1, api-2
 */
@Validated
@ConfigurationProperties("ml.api")
public record ApiProperties(
        @DefaultValue("1") @Min(1) int quorum,
        @DefaultValue(RequestDefaults.PREDICT_DEADLINE_MS + "ms") @NotNull Duration predictDeadline,
        @DefaultValue(RequestDefaults.EVALUATE_DEADLINE_MS + "ms") @NotNull Duration evaluateDeadline,
        @DefaultValue(RequestDefaults.FIT_DEADLINE_MS + "ms") @NotNull Duration fitDeadline,
        @DefaultValue("600s") @NotNull Duration maxDeadline,
        @DefaultValue("15m") @NotNull Duration fitCatchUp,
        @DefaultValue("3500ms") @NotNull Duration liveness,
        @DefaultValue("30m") @NotNull Duration forgetAfter,
        @DefaultValue("4") @Min(1) int replyChannels,
        @DefaultValue("20000") @Min(1) int maxRows,
        @DefaultValue("16777216") @Min(1024) long maxBodyBytes,
        String apiKey,
        @DefaultValue("12h") @NotNull Duration sessionLifetime,
        @DefaultValue @NotNull @Valid Batching batching,
        @DefaultValue @NotNull @Valid Datasets datasets,
        @DefaultValue("api") @NotBlank String instanceName) {

    /**
     * Dataset uploads ({@code POST /v1/ml-distributed/datasets/{name}}), which have their own body
     * limit instead of {@code maxBodyBytes}: they are spooled to disk, never held in memory.
     *
     * @param maxUploadBytes  largest upload, counted before and after gzip decoding; more gets 413
     * @param storeDeadline   how long the api waits for the learners to store their parts
     * @param chunkBytes      size of one message on a dataset stream
     * @param minRowsPerPart  fewest rows each shard and the test set must get
     * @param streamMaxAge    how long the broker keeps a dataset stream (x-max-age), for learners
     *                        that store it later; DELETE removes the streams at once
     * @param spoolDir        where uploads are spooled while checked and split (empty: the JVM's temp dir)
     */
    public record Datasets(
            @DefaultValue("2147483648") @Min(1024) long maxUploadBytes,
            @DefaultValue("120s") @NotNull Duration storeDeadline,
            @DefaultValue("1048576") @Min(4096) int chunkBytes,
            @DefaultValue("5") @Min(1) int minRowsPerPart,
            @DefaultValue("7D") @NotNull @jakarta.validation.constraints.Pattern(regexp = "[0-9]+[YMDhms]")
            String streamMaxAge,
            @DefaultValue("") @NotNull String spoolDir) {
    }

    /**
     * Concurrent predicts of one model share jobs once {@code maxInFlight} jobs are out: the
     * requests that arrive meanwhile leave together when one comes back. No request waits for a
     * batch to fill.
     *
     * @param enabled     false sends every predict as its own job
     * @param maxInFlight jobs in flight per model (and quorum and deadline) before predicts queue
     * @param maxRows     most rows in one shared job; a larger predict travels alone
     * @param maxHold     longest a job keeps its slot while replies are out (a slow learner holds
     *                    its jobs until their deadline; the queue behind them moves on anyway)
     */
    public record Batching(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("1") @Min(1) int maxInFlight,
            @DefaultValue("2000") @Min(1) int maxRows,
            @DefaultValue("20ms") @NotNull Duration maxHold) {
    }
}
