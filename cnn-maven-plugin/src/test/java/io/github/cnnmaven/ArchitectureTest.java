package io.github.cnnmaven;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/architecture.md's package table is the layering: each package's imports of the plugin's own
 * packages are exactly the ones its row names, only {@code mojo} imports Maven, and no two packages
 * import each other except a sub-package and its parent.
 */
class ArchitectureTest {

    private static final Path SOURCES = Path.of("src/main/java/io/github/cnnmaven");
    private static final Path TABLE = Path.of("../docs/architecture.md");
    private static final Pattern OWN_IMPORT = Pattern.compile("^import (?:static )?io\\.github\\.cnnmaven\\.([a-z.]+?)\\.[A-Z]",
            Pattern.MULTILINE);
    private static final Pattern ROW = Pattern.compile("^\\| `([a-z.]+)` \\| .* \\| (.*) \\|$", Pattern.MULTILINE);

    @Test
    void everyPackageImportsExactlyWhatTheTableSays() throws IOException {
        Map<String, Set<String>> actual = imports();
        Map<String, Set<String>> documented = table();
        assertEquals(actual.keySet(), documented.keySet(), "every package has one row in docs/architecture.md");
        List<String> wrong = new ArrayList<>();
        actual.forEach((pkg, uses) -> {
            if (!uses.equals(documented.get(pkg))) {
                wrong.add(pkg + " imports " + uses + ", the table says " + documented.get(pkg));
            }
        });
        assertTrue(wrong.isEmpty(), "docs/architecture.md disagrees with the imports:\n" + String.join("\n", wrong));
    }

    @Test
    void noTwoPackagesImportEachOther() throws IOException {
        Map<String, Set<String>> graph = imports();
        List<String> cycles = new ArrayList<>();
        graph.forEach((pkg, uses) -> uses.forEach(used -> {
            if (!parentAndChild(pkg, used) && reaches(graph, used, pkg, new TreeSet<>())) {
                cycles.add(pkg + " -> " + used);
            }
        }));
        assertTrue(cycles.isEmpty(), "import cycles: " + cycles);
    }

    @Test
    void onlyTheMojosImportMaven() throws IOException {
        List<String> offenders = new ArrayList<>();
        for (Path file : sources()) {
            String pkg = packageOf(file);
            if (!pkg.equals("mojo") && Files.readString(file).contains("import org.apache.maven.")) {
                offenders.add(SOURCES.relativize(file).toString());
            }
        }
        assertTrue(offenders.isEmpty(), "Maven APIs outside mojo: " + offenders);
    }

    /** A package and its sub-package may use each other (training and training.callback, say). */
    private static boolean parentAndChild(String a, String b) {
        return a.startsWith(b + ".") || b.startsWith(a + ".");
    }

    private static boolean reaches(Map<String, Set<String>> graph, String from, String to, Set<String> seen) {
        if (from.equals(to)) {
            return true;
        }
        if (!seen.add(from)) {
            return false;
        }
        for (String next : graph.getOrDefault(from, Set.of())) {
            if (!parentAndChild(from, next) && reaches(graph, next, to, seen)) {
                return true;
            }
        }
        return false;
    }

    private static Map<String, Set<String>> imports() throws IOException {
        Map<String, Set<String>> imports = new TreeMap<>();
        for (Path file : sources()) {
            String pkg = packageOf(file);
            Set<String> uses = imports.computeIfAbsent(pkg, p -> new TreeSet<>());
            Matcher m = OWN_IMPORT.matcher(Files.readString(file));
            while (m.find()) {
                if (!m.group(1).equals(pkg)) {
                    uses.add(m.group(1));
                }
            }
        }
        return imports;
    }

    private static Map<String, Set<String>> table() throws IOException {
        Map<String, Set<String>> table = new TreeMap<>();
        Matcher m = ROW.matcher(Files.readString(TABLE));
        while (m.find()) {
            Set<String> uses = new TreeSet<>();
            Matcher name = Pattern.compile("`([a-z.]+)`").matcher(m.group(2));
            while (name.find()) {
                uses.add(name.group(1));
            }
            table.put(m.group(1), uses);
        }
        return table;
    }

    private static List<Path> sources() throws IOException {
        try (Stream<Path> files = Files.walk(SOURCES)) {
            return files.filter(f -> f.toString().endsWith(".java")).sorted().toList();
        }
    }

    private static String packageOf(Path file) {
        return SOURCES.relativize(file.getParent()).toString().replace('/', '.');
    }
}
