package org.mlensemble.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.asyncDispatch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import org.junit.jupiter.api.Test;
import org.mlensemble.api.ensemble.FitCommand;
import org.mlensemble.api.ensemble.PredictCommand;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.ResultActions;

/** The HTTP contract: the seed's shapes, options, limits and problem details, without a broker. */
@WebMvcTest(properties = {"ml.api.max-rows=3", "ml.api.max-body-bytes=2048",
        "ml.api.stats.management-url=http://127.0.0.1:1"})
@Import(WebSliceConfig.class)
class HttpContractTest {

    @Autowired
    MockMvc mvc;

    @Autowired
    FakeEnsemble ensemble;

    @Autowired
    io.micrometer.core.instrument.MeterRegistry meters;

    @Autowired
    org.mlensemble.api.membership.Membership membership;

    private ResultActions async(MvcResult started) throws Exception {
        return mvc.perform(asyncDispatch(started));
    }

    @Test
    void predictAnswersTheSeedsShapeForOneRow() throws Exception {
        MvcResult r = mvc.perform(post("/v1/ml-distributed/predict").contentType(MediaType.APPLICATION_JSON)
                .content("{\"LotArea\": [8000], \"Street\": [\"Pave\"], \"Alley\": [null]}")).andReturn();
        async(r).andExpect(status().isOk())
                .andExpect(jsonPath("$.Prediction").value(8000.0))
                .andExpect(jsonPath("$.ProblemType").value("regression"))
                .andExpect(jsonPath("$.Predictions").doesNotExist())
                .andExpect(jsonPath("$.members.used").value(3))
                .andExpect(jsonPath("$.members.missing[0]").value("D"))
                .andExpect(jsonPath("$.members.servedBy.B").value("learner-6"));
        // the latency is recorded when the asynchronous answer is written, per endpoint
        assertThat(meters.find("ml.api.requests").tags("endpoint", "predict", "status", "200").timer())
                .isNotNull().satisfies(t -> assertThat(t.count()).isPositive());
    }

    @Test
    void predictAddsPredictionsForManyRowsAndTakesOptionsFromTheQuery() throws Exception {
        MvcResult r = mvc.perform(post("/v1/ml-distributed/predict?modelId=m-7&deadlineMs=750&quorum=2")
                .contentType(MediaType.APPLICATION_JSON).content("{\"a\": [1, 2], \"b\": [10, 20]}")).andReturn();
        async(r).andExpect(status().isOk())
                .andExpect(jsonPath("$.Prediction").value(11.0))
                .andExpect(jsonPath("$.Predictions[1]").value(22.0));
        PredictCommand c = (PredictCommand) ensemble.lastCommand;
        assertThat(c.modelId()).isEqualTo("m-7");
        assertThat(c.deadline().toMillis()).isEqualTo(750);
        assertThat(c.quorum()).isEqualTo(2);
        assertThat(c.rows()).isEqualTo(2);
    }

    @Test
    void tooManyRowsIsRefusedWith413() throws Exception {
        mvc.perform(post("/v1/ml-distributed/predict").contentType(MediaType.APPLICATION_JSON)
                .content("{\"a\": [1, 2, 3, 4]}"))
                .andExpect(status().isContentTooLarge())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.detail").value(containsString("limit is 3")));
    }

    @Test
    void tooLargeABodyIsRefusedWith413BeforeItIsRead() throws Exception {
        mvc.perform(post("/v1/ml-distributed/predict").contentType(MediaType.APPLICATION_JSON)
                .content("{\"a\": [\"" + "x".repeat(4000) + "\"]}"))
                .andExpect(status().isContentTooLarge())
                .andExpect(jsonPath("$.detail").value(containsString("limit is 2048")));
    }

    @Test
    void predictBeforeAnyFitIsAConflictThatSaysToFitFirst() throws Exception {
        ensemble.trained = false;
        try {
            mvc.perform(post("/v1/ml-distributed/predict").contentType(MediaType.APPLICATION_JSON)
                    .content("{\"a\": [1]}"))
                    .andExpect(status().isConflict())
                    .andExpect(jsonPath("$.detail").value(containsString("call POST /v1/ml-distributed/fit first")));
        } finally {
            ensemble.trained = true;
        }
    }

    @Test
    void fitWithoutBodyUsesTheSeedsDefaults() throws Exception {
        async(mvc.perform(post("/v1/ml-distributed/fit")).andReturn()).andExpect(status().isOk())
                .andExpect(jsonPath("$.modelId").value("m-test"));
        FitCommand c = (FitCommand) ensemble.lastCommand;
        assertThat(c.dataset()).isEqualTo("house_pricing");
        assertThat(c.target()).isEqualTo("SalePrice");
        assertThat(c.seed()).isEqualTo(42);
        assertThat(c.ignore()).containsExactly("Id");
        assertThat(c.deadline().toSeconds()).isEqualTo(120);
    }

    @Test
    void aJointFitOfBoostedOrForestReachesTheEnsembleAsJoint() throws Exception {
        for (String algorithm : new String[] {"boosted", "forest"}) {
            async(mvc.perform(post("/v1/ml-distributed/fit").contentType(MediaType.APPLICATION_JSON)
                    .content("{\"algorithm\": \"" + algorithm + "\", \"training\": \"joint\"}")).andReturn())
                    .andExpect(status().isOk());
            assertThat(((FitCommand) ensemble.lastCommand).training())
                    .isEqualTo(org.mlensemble.common.learning.Training.JOINT);
        }
        async(mvc.perform(post("/v1/ml-distributed/fit")).andReturn()).andExpect(status().isOk());
        assertThat(((FitCommand) ensemble.lastCommand).training())
                .isEqualTo(org.mlensemble.common.learning.Training.SHARD);
    }

    @Test
    void fitTakesTheIdempotencyKeyFromTheHeader() throws Exception {
        async(mvc.perform(post("/v1/ml-distributed/fit").header("Idempotency-Key", "nightly-1")).andReturn())
                .andExpect(status().isOk());
        assertThat(((FitCommand) ensemble.lastCommand).idempotencyKey()).isEqualTo("nightly-1");
    }

    @Test
    void asyncFitAnswers202WithTheJobLocation() throws Exception {
        async(mvc.perform(post("/v1/ml-distributed/fit").contentType(MediaType.APPLICATION_JSON)
                .content("{\"async\": true}")).andReturn())
                .andExpect(status().isAccepted())
                .andExpect(org.springframework.test.web.servlet.result.MockMvcResultMatchers.header()
                        .string("Location", "/v1/ml-distributed/fit/jobs/m-test"));
    }

    @Test
    void quorumNotMetIs503WithTheReason() throws Exception {
        async(mvc.perform(post("/v1/ml-distributed/evaluate")).andReturn())
                .andExpect(status().isServiceUnavailable())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.detail").value("no member answered before the deadline"));
    }

    @Test
    void badInputIsA400ThatSaysWhatIsWrong() throws Exception {
        String[][] cases = {
            {"/v1/ml-distributed/predict", "{\"a\": [1", "not valid JSON"},
            {"/v1/ml-distributed/predict", "{\"a\": [1e400]}", "out of range"},
            {"/v1/ml-distributed/predict", "{\"a\": [\"NaN\"]}", "non-finite"},
            {"/v1/ml-distributed/predict", "{\"a\": [{\"b\": 1}]}", "nested value"},
            {"/v1/ml-distributed/predict", "{}", "no columns"},
            {"/v1/ml-distributed/fit", "{\"seeed\": 1}", "unknown field 'seeed'"},
            {"/v1/ml-distributed/fit", "{\"dataset\": \"../etc\"}", "dataset must be a folder name"},
            {"/v1/ml-distributed/fit", "{\"sampling\": \"random\"}", "'shard' or 'bootstrap'"},
            {"/v1/ml-distributed/fit", "{\"deadlineMs\": 999999999}", "deadlineMs must be between"},
            {"/v1/ml-distributed/fit", "{\"quorum\": 0}", "quorum must be between"},
            {"/v1/ml-distributed/fit", "{\"columnTypes\": {\"a\": \"text\"}}", "'numeric' or 'categorical'"},
            {"/v1/ml-distributed/fit", "{\"training\": \"together\"}", "training must be one of shard, joint"},
            {"/v1/ml-distributed/fit", "{\"training\": \"joint\"}", "for algorithm 'boosted' or 'forest', not 'linear'"},
            {"/v1/ml-distributed/fit", "{\"training\": \"joint\", \"algorithm\": \"tree\"}", "not 'tree'"},
            {"/v1/ml-distributed/fit", "{\"training\": \"joint\", \"algorithm\": \"boosted\", \"weighted\": true}",
                    "a joint fit is one model"},
        };
        for (String[] c : cases) {
            mvc.perform(post(c[0]).contentType(MediaType.APPLICATION_JSON).content(c[1]))
                    .andExpect(status().isBadRequest())
                    .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                    .andExpect(jsonPath("$.detail").value(containsString(c[2])));
        }
    }

    @Test
    void deletePinAndUnpinAnswerWhichHoldersConfirmed() throws Exception {
        async(mvc.perform(delete("/v1/ml-distributed/models/m-1")).andReturn()).andExpect(status().isOk())
                .andExpect(jsonPath("$.modelId").value("m-1"))
                .andExpect(jsonPath("$.action").value("deleted"))
                .andExpect(jsonPath("$.learners[1]").value("learner-2"));
        assertThat(ensemble.lastCommand).isEqualTo("delete m-1");
        async(mvc.perform(put("/v1/ml-distributed/models/m-1/pin")).andReturn()).andExpect(status().isOk())
                .andExpect(jsonPath("$.action").value("pinned"));
        assertThat(ensemble.lastCommand).isEqualTo("pin m-1");
        async(mvc.perform(delete("/v1/ml-distributed/models/m-1/pin")).andReturn()).andExpect(status().isOk())
                .andExpect(jsonPath("$.action").value("unpinned"));
        assertThat(ensemble.lastCommand).isEqualTo("unpin m-1");
    }

    @Test
    void aRemovedModelIsA404ThatSaysWhenAndWhy() throws Exception {
        mvc.perform(delete("/v1/ml-distributed/models/m-gone"))
                .andExpect(status().isNotFound())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.type").value("urn:ml-ensemble:problem:model-removed"))
                .andExpect(jsonPath("$.title").value("Model removed"))
                .andExpect(jsonPath("$.detail").value(containsString("was deleted")))
                .andExpect(jsonPath("$.detail").value(containsString("2026-12-01T05:00:00Z")))
                .andExpect(jsonPath("$.cause").value("deleted"))
                .andExpect(jsonPath("$.removedAt").value("2026-12-01T05:00:00Z"));
    }

    @Test
    void aQueryParameterOfTheWrongTypeIsA400NamingItNotAConversionError() throws Exception {
        mvc.perform(post("/v1/ml-distributed/predict?deadlineMs=abc").contentType(MediaType.APPLICATION_JSON)
                .content("{\"a\": [1]}"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.type").value("urn:ml-ensemble:problem:bad-request"))
                .andExpect(jsonPath("$.title").value("Bad request"))
                .andExpect(jsonPath("$.detail").value("Parameter 'deadlineMs' must be a whole number, got 'abc'."));
    }

    @Test
    void aWrongMethodIsA405ThatCarriesAllow() throws Exception {
        mvc.perform(get("/v1/ml-distributed/predict"))
                .andExpect(status().isMethodNotAllowed())
                .andExpect(org.springframework.test.web.servlet.result.MockMvcResultMatchers.header()
                        .string("Allow", "POST"))
                .andExpect(jsonPath("$.type").value("urn:ml-ensemble:problem:method-not-allowed"))
                .andExpect(jsonPath("$.detail").value("GET is not supported here; use POST."));
    }

    @Test
    void theStatusOfAFitNobodyKnowsIsA404UnlessItWasJustStarted() throws Exception {
        mvc.perform(get("/v1/ml-distributed/fit/jobs/m-20200101-000000-abcdef"))
                .andExpect(status().isNotFound())
                .andExpect(jsonPath("$.title").value("Unknown fit job"));
        mvc.perform(get("/v1/ml-distributed/fit/jobs/no-such-job")).andExpect(status().isNotFound());
        String fresh = org.mlensemble.common.messaging.ModelIds.mint(java.time.Instant.now());
        mvc.perform(get("/v1/ml-distributed/fit/jobs/" + fresh))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.state").value("pending"));
    }

    @Test
    void withoutAKeyConfiguredNoKeyIsAsked() throws Exception {
        mvc.perform(get("/v1/ml-distributed/ping")).andExpect(status().isOk());
    }

    @Test
    void membersHasOneShapeInTheListingOneModelAndAFitJob() throws Exception {
        // shard A has two replicas, shard B one; each shard counts once
        membership.onHeartbeat(org.mlensemble.api.membership.Heartbeats.of("learner-1", "A", "i-1", 1, "m-shape"));
        membership.onHeartbeat(org.mlensemble.api.membership.Heartbeats.of("learner-5", "A", "i-5", 1, "m-shape"));
        membership.onHeartbeat(org.mlensemble.api.membership.Heartbeats.of("learner-2", "B", "i-2", 1));
        mvc.perform(get("/v1/ml-distributed/models")).andExpect(status().isOk())
                .andExpect(jsonPath("$[?(@.modelId == 'm-shape')].members.used").value(1))
                .andExpect(jsonPath("$[?(@.modelId == 'm-shape')].members.expected").value(1))
                .andExpect(jsonPath("$[?(@.modelId == 'm-shape')].liveHolders[1]").value("learner-5"))
                .andExpect(jsonPath("$[0].members.list").doesNotExist());
        mvc.perform(get("/v1/ml-distributed/models/m-shape")).andExpect(status().isOk())
                .andExpect(jsonPath("$.members.used").value(1))
                .andExpect(jsonPath("$.members.expected").value(1))
                .andExpect(jsonPath("$.members.missing").isEmpty())
                .andExpect(jsonPath("$.members.list[0].learnerId").value("learner-1"))
                .andExpect(jsonPath("$.members.list[1].learnerId").value("learner-5"));
        // the fit job expects every shard a known learner holds: B has not trained it
        mvc.perform(get("/v1/ml-distributed/fit/jobs/m-shape")).andExpect(status().isOk())
                .andExpect(jsonPath("$.members.used").value(1))
                .andExpect(jsonPath("$.members.expected").value(2))
                .andExpect(jsonPath("$.members.missing[0]").value("B"))
                .andExpect(jsonPath("$.members.servedBy.A").value("learner-1"))
                .andExpect(jsonPath("$.members.list[1].learnerId").value("learner-2"))
                .andExpect(jsonPath("$.members.list[1].phase").value("pending"));
        mvc.perform(get("/v1/ml-distributed/learners")).andExpect(status().isOk())
                .andExpect(jsonPath("$[0].held").isArray())
                .andExpect(jsonPath("$[0].members").doesNotExist());
    }

    @Test
    void statsAnswerThisInstancesSamplesAndTheBrokerItsStateEvenWhenItsManagementApiIsDown() throws Exception {
        mvc.perform(get("/v1/ml-distributed/stats")).andExpect(status().isOk())
                .andExpect(jsonPath("$.instance").isString())
                .andExpect(jsonPath("$.intervalSeconds").value(5.0))
                .andExpect(jsonPath("$.samples").isArray());
        mvc.perform(get("/v1/ml-distributed/broker")).andExpect(status().isOk())
                .andExpect(jsonPath("$.reachable").value(false))
                .andExpect(jsonPath("$.problem").value(containsString("http://127.0.0.1:1")))
                .andExpect(jsonPath("$.queues").isEmpty())
                .andExpect(content().string(org.hamcrest.Matchers.not(containsString("guest"))));
    }
}
