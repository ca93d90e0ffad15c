package io.github.cnnmaven.mojo;

import org.eclipse.aether.util.version.GenericVersionScheme;
import org.eclipse.aether.version.Version;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** What cnn.baseline's coordinates ask the resolver for, and which listed version they pick. */
class BaselineResolverTest {

    private static final List<Version> VERSIONS = versions("1.0", "1.1", "1.2-SNAPSHOT", "1.2", "2.0-SNAPSHOT");

    static List<Version> versions(String... v) {
        List<Version> list = new ArrayList<>();
        for (String s : v) {
            try {
                list.add(new GenericVersionScheme().parseVersion(s));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return list;
    }

    private static BaselineResolver.Query query(String value) {
        return BaselineResolver.Query.of(value, "it", "app", "1.3-SNAPSHOT");
    }

    @Test
    void lastReleaseIsTheProjectsNewestReleaseOlderThanItself() {
        BaselineResolver.Query q = query("last-release");
        assertEquals("it:app:(,1.3-SNAPSHOT)", q.coordinates(q.range()));
        // the resolver lists only versions in the range; snapshots are left out
        assertEquals("1.2", q.newest(versions("1.0", "1.1", "1.2-SNAPSHOT", "1.2", "1.3-SNAPSHOT")).toString());
        assertEquals("it:other:(,1.3-SNAPSHOT)", query("it:other").coordinates(query("it:other").range()));
    }

    @Test
    void releaseLatestRangesAndVersions() {
        assertEquals("[0,)", query("it:app:RELEASE").range());
        assertEquals("1.2", query("it:app:RELEASE").newest(VERSIONS).toString());
        assertEquals("2.0-SNAPSHOT", query("it:app:LATEST").newest(VERSIONS).toString());
        assertEquals("[1.0,)", query("it:app:[1.0,)").range());
        assertEquals("1.2", query("it:app:[1.0,)").newest(VERSIONS).toString());
        assertEquals("[1.1]", query("it:app:1.1").range());
        assertEquals("1.1", query("it:app:1.1").newest(versions("1.1")).toString());
    }

    @Test
    void noReleaseYetIsNoVersionAndAPathIsNoQuery() {
        assertNull(query("last-release").newest(versions("1.3-SNAPSHOT")), "only snapshots: the first release");
        assertNull(query("last-release").newest(List.of()));
        assertNull(query("baselines/evaluation.json"));
        assertNull(query("C:\\baselines\\evaluation.json"));
    }
}
