package org.mlensemble.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;

class ArgsTest {

    @Test
    void optionsMayComeBeforeOrAfterTheCommand() {
        Args a = Args.parse(new String[] {"--url", "http://a", "--json", "fit", "--param", "trees=5", "--param=x=1",
                "--url=http://b", "--sync"});

        assertThat(a.command()).isEqualTo("fit");
        assertThat(a.values("url")).containsExactly("http://a", "http://b");
        assertThat(a.values("param")).containsExactly("trees=5", "x=1");
        assertThat(a.flag("json")).isTrue();
        assertThat(a.flag("sync")).isTrue();
        assertThat(a.flag("strict")).isFalse();
    }

    @Test
    void mistakesAreUsageErrors() {
        assertThatThrownBy(() -> Args.parse(new String[] {"fit", "--seed"})).hasMessageContaining("needs a value");
        assertThatThrownBy(() -> Args.parse(new String[] {"fit", "--sync=yes"})).hasMessageContaining("takes no value");
        assertThatThrownBy(() -> Args.parse(new String[] {"fit", "--colour"})).hasMessageContaining("'--colour'");
        assertThatThrownBy(() -> Args.parse(new String[] {"fit", "-x"})).hasMessageContaining("'-x'");
        assertThatThrownBy(() -> Args.parse(new String[] {"fit", "--seed", "x"}).longValue("seed"))
                .hasMessageContaining("whole number");
        assertThatThrownBy(() -> Args.parse(new String[] {"fit", "--quorum", "0"}).positiveLong("quorum"))
                .hasMessageContaining("positive");
        assertThatThrownBy(() -> Args.parse(new String[] {"models", "--file", "x"}).allowOnly("models", Set.of()))
                .hasMessageContaining("models does not take --file");
    }

    @Test
    void dashHIsHelpAndDoubleDashEndsOptions() {
        Args a = Args.parse(new String[] {"job", "-h", "--", "--weird-id"});

        assertThat(a.flag("help")).isTrue();
        assertThat(a.positionals()).containsExactly("--weird-id");
    }
}
