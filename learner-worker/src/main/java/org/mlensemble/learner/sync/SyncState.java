package org.mlensemble.learner.sync;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Progress of the start-up sync, shared with presence (which announces this learner only once it
 * is done) and with fits (which wait for the dataset files, so that a fit arriving during the sync
 * of an empty disk trains instead of failing on a missing shard).
 */
public final class SyncState {

    private final CountDownLatch data = new CountDownLatch(1);
    private final CountDownLatch done = new CountDownLatch(1);
    private final List<Runnable> onDone = new CopyOnWriteArrayList<>();
    private final AtomicLong bytes = new AtomicLong();
    private volatile String phase = "waiting";
    private volatile int membersDone;
    private volatile int membersPlanned;
    private volatile int filesDone;
    private volatile int filesPlanned;
    private volatile long bytesPlanned;
    private volatile int failures;
    private volatile int peers;

    /** True when the sync has ended, with or without failures, or was not needed. */
    public boolean isDone() {
        return done.getCount() == 0;
    }

    /** Waits until the dataset files are in place (or the sync has ended); false on timeout. */
    public boolean awaitData(Duration timeout) throws InterruptedException {
        return data.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public boolean awaitDone(Duration timeout) throws InterruptedException {
        return done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Runs {@code action} once the sync has ended: now, if it has. */
    public void whenDone(Runnable action) {
        onDone.add(action);
        if (isDone() && onDone.remove(action)) {
            action.run();
        }
    }

    public long bytesFetched() {
        return bytes.get();
    }

    /** For health and logs. */
    public Map<String, Object> snapshot() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("phase", phase);
        m.put("peers", peers);
        m.put("members", membersDone + "/" + membersPlanned);
        m.put("datasetFiles", filesDone + "/" + filesPlanned);
        m.put("bytes", bytes.get() + "/" + bytesPlanned);
        m.put("failures", failures);
        return m;
    }

    /** {@code synced 3/7 members, 2/2 dataset files, 45 MB} */
    public String progressLine() {
        return String.format("synced %d/%d members, %d/%d dataset files, %.1f MB", membersDone, membersPlanned, filesDone,
                filesPlanned, bytes.get() / 1e6);
    }

    void phase(String value) {
        phase = value;
    }

    void planned(int peerCount, SyncPlan plan) {
        peers = peerCount;
        membersPlanned = plan.members().size();
        filesPlanned = plan.files().size();
        bytesPlanned = plan.bytes();
    }

    void fetched(long n) {
        bytes.addAndGet(n);
    }

    void fileDone() {
        filesDone++;
    }

    void memberDone() {
        membersDone++;
    }

    void failed() {
        failures++;
    }

    int failures() {
        return failures;
    }

    void dataReady() {
        data.countDown();
    }

    void finish(String finalPhase) {
        phase = finalPhase;
        data.countDown();
        done.countDown();
        for (Runnable r : onDone) {
            if (onDone.remove(r)) {
                r.run();
            }
        }
    }
}
