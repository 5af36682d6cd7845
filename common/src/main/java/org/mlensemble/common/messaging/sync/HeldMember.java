package org.mlensemble.common.messaging.sync;

import java.util.List;
import org.mlensemble.common.messaging.MemberInfo;

/** A member a learner holds, and the files of its stored folder. */
public record HeldMember(MemberInfo info, List<SyncFile> files) {

    public HeldMember {
        files = files == null ? List.of() : List.copyOf(files);
    }
}
