package io.github.cnnmaven.mojo;

import io.github.cnnmaven.common.InvalidConfigurationException;
import io.github.cnnmaven.workflow.Baseline;
import io.github.cnnmaven.workflow.Releases;
import org.eclipse.aether.util.version.GenericVersionScheme;
import org.eclipse.aether.version.InvalidVersionSpecificationException;
import org.eclipse.aether.version.Version;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What cnn.baseline's coordinates ask the resolver for, which listed version they pick, and what a first
 * release, an offline build and a release without an evaluation get, against an in-memory registry.
 */
class BaselineResolverTest {

    @TempDir
    Path basedir;

    /** Releases of it:app with their evaluation (null: released without one), filtered by range as the resolver does. */
    static final class FakeRegistry implements BaselineResolver.Registry {
        final Map<String, Path> released = new LinkedHashMap<>();
        final boolean offline;
        int listings;

        FakeRegistry(boolean offline) {
            this.offline = offline;
        }

        FakeRegistry with(String version, Path evaluation) {
            released.put(version, evaluation);
            return this;
        }

        @Override
        public List<Version> versions(String groupId, String artifactId, String range) throws BaselineResolver.Missing {
            listings++;
            if (!artifactId.equals("app")) {
                return List.of();
            }
            try {
                org.eclipse.aether.version.VersionConstraint constraint = new GenericVersionScheme().parseVersionConstraint(range);
                List<Version> in = new ArrayList<>();
                for (Version v : BaselineResolverTest.versions(released.keySet().toArray(String[]::new))) {
                    if (constraint.containsVersion(v)) {
                        in.add(v);
                    }
                }
                return in;
            } catch (InvalidVersionSpecificationException e) {
                throw new BaselineResolver.Missing("bad range " + range, e);
            }
        }

        @Override
        public Path evaluation(String groupId, String artifactId, String version) throws BaselineResolver.Missing {
            Path file = released.get(version);
            if (file == null) {
                throw new BaselineResolver.Missing("Could not find artifact " + groupId + ":" + artifactId + ":json:evaluation:"
                        + version, null);
            }
            return file;
        }

        @Override
        public boolean offline() {
            return offline;
        }
    }

    private BaselineResolver resolver(FakeRegistry registry) {
        return new BaselineResolver(registry, basedir, "it", "app", "1.3-SNAPSHOT");
    }

    private Path evaluation(String version) throws Exception {
        return Files.writeString(basedir.resolve("evaluation-" + version + ".json"), "{}");
    }

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

    @Test
    void lastReleaseResolvesToTheNewestReleasedEvaluation() throws Exception {
        Path v12 = evaluation("1.2");
        FakeRegistry registry = new FakeRegistry(false).with("1.0", evaluation("1.0")).with("1.2", v12)
                .with("1.3-SNAPSHOT", evaluation("1.3-SNAPSHOT")).with("1.4", evaluation("1.4"));
        Baseline baseline = resolver(registry).resolve("last-release", false);
        assertEquals(new Baseline("it:app:1.2", v12, null, true), baseline);
        assertEquals("it:app:1.0", resolver(registry).resolve("it:app:[1.0,1.2)", false).name());
    }

    @Test
    void aCommittedFileIsNotLookedUp() throws Exception {
        Path committed = evaluation("committed");
        FakeRegistry registry = new FakeRegistry(false);
        assertEquals(Baseline.file(committed), resolver(registry).resolve(committed.getFileName().toString(), false));
        assertEquals(0, registry.listings, "a file the project holds never reaches the resolver");
        assertNull(resolver(registry).resolve(" ", false), "blank: no baseline");
    }

    @Test
    void theFirstReleaseGetsANoteAndNoRule() throws Exception {
        FakeRegistry registry = new FakeRegistry(false).with("1.3-SNAPSHOT", evaluation("1.3-SNAPSHOT"));
        Baseline baseline = resolver(registry).resolve("last-release", false);
        assertNull(baseline.file(), "no file: the gate leaves the baseline rule out");
        assertTrue(baseline.release());
        assertEquals("it:app:(,1.3-SNAPSHOT)", baseline.name());
        assertEquals("No baseline: no released model of it:app in (,1.3-SNAPSHOT) (a first release?). The baseline rule is"
                + " left out; cnn.requireBaseline=true would fail instead", baseline.note());
    }

    @Test
    void requireBaselineTurnsTheFirstReleaseNoteIntoAnError() {
        String message = assertThrows(InvalidConfigurationException.class,
                () -> resolver(new FakeRegistry(false)).resolve("last-release", true)).getMessage();
        assertEquals("cnn.baseline last-release: no released model of it:app in (,1.3-SNAPSHOT), and cnn.requireBaseline is"
                + " true. Deploy a release first, or set cnn.requireBaseline=false for the first release", message);
        String unset = assertThrows(InvalidConfigurationException.class,
                () -> resolver(new FakeRegistry(false)).resolve(null, true)).getMessage();
        assertTrue(unset.contains("cnn.requireBaseline") && unset.contains("cnn.baseline=last-release"), unset);
    }

    @Test
    void offlineSaysOnlyTheLocalRepositoryCounted() throws Exception {
        Baseline none = resolver(new FakeRegistry(true)).resolve("last-release", false);
        assertTrue(none.note().contains("in (,1.3-SNAPSHOT) (Maven is offline: only what the local repository holds counts)"),
                none.note());
        // listed in the local metadata, but its evaluation was never downloaded
        String message = assertThrows(InvalidConfigurationException.class,
                () -> resolver(new FakeRegistry(true).with("1.2", null)).resolve("last-release", false)).getMessage();
        assertTrue(message.startsWith("cnn.baseline last-release: it:app:1.2's evaluation.json is not in the local repository"
                + " and Maven is offline: run once online, name another version or a committed evaluation.json."), message);
        assertTrue(message.endsWith("Could not find artifact it:app:json:evaluation:1.2"), message);
    }

    @Test
    void aReleaseWithoutAnEvaluationIsAnErrorOnline() {
        String message = assertThrows(InvalidConfigurationException.class,
                () -> resolver(new FakeRegistry(false).with("1.2", null)).resolve("it:app:1.2", false)).getMessage();
        assertTrue(message.startsWith("cnn.baseline it:app:1.2: it:app:1.2 carries no evaluation.json (it was released"
                + " without the evaluate goal, or before the plugin attached it): name another version"), message);
    }

    @Test
    void historyIsTheLastReleasesOldestFirstAndSkipsThoseWithoutEvaluation() throws Exception {
        List<String> skipped = new ArrayList<>();
        FakeRegistry registry = new FakeRegistry(false).with("0.9", evaluation("0.9")).with("1.0", evaluation("1.0"))
                .with("1.1", null).with("1.2-SNAPSHOT", evaluation("1.2-SNAPSHOT")).with("1.2", evaluation("1.2"))
                .with("1.3-SNAPSHOT", evaluation("1.3-SNAPSHOT"));
        BaselineResolver resolver = resolver(registry);
        assertEquals("it:app:1.2", resolver.resolve("last-release", false).name());
        Releases history = resolver.history("last-release", 2, skipped::add);
        assertEquals("it:app", history.artifact());
        assertEquals(List.of("1.0", "1.2"), history.versions().stream().map(Releases.Released::version).toList());
        assertEquals(basedir.resolve("evaluation-1.0.json"), history.versions().get(0).evaluation());
        assertEquals(List.of("Release history: it:app:1.1 carries no evaluation.json; left out"), skipped);
        assertEquals(1, registry.listings, "the gate's listing is reused for the history");
        assertNull(resolver.history("last-release", 0, skipped::add), "cnn.historyVersions=0 is off");
        assertNull(resolver.history(null, 10, skipped::add));
        assertFalse(resolver.history("it:other", 10, skipped::add).versions().iterator().hasNext(), "nothing released");
    }
}
