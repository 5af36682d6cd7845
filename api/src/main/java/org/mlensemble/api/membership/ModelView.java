package org.mlensemble.api.membership;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mlensemble.common.messaging.MemberInfo;

/**
 * One model version as presence shows it.
 *
 * @param holders      every known learner holding a member, alive or not
 * @param liveHolders  those that are alive now
 */
public record ModelView(String modelId, String dataset, String target, String algorithm, Map<String, Object> params,
        long seed, long createdAt, List<String> holders, Set<String> liveHolders, List<MemberInfo> members) {

    static ModelView of(String modelId, List<MemberInfo> members, Set<String> liveHolders) {
        List<MemberInfo> sorted = members.stream().sorted(Comparator.comparing(MemberInfo::learnerId)).toList();
        MemberInfo first = sorted.get(0);
        long created = sorted.stream().mapToLong(MemberInfo::createdAt).min().orElse(first.createdAt());
        return new ModelView(modelId, first.dataset(), first.target(), first.algorithm(), first.params(), first.seed(),
                created, sorted.stream().map(MemberInfo::learnerId).toList(), Set.copyOf(liveHolders), sorted);
    }
}
