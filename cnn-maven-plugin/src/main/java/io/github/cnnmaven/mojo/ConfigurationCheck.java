package io.github.cnnmaven.mojo;

import io.github.cnnmaven.common.Names;
import org.apache.maven.model.Plugin;
import org.apache.maven.model.PluginExecution;
import org.apache.maven.plugin.descriptor.MojoDescriptor;
import org.apache.maven.plugin.descriptor.Parameter;
import org.apache.maven.plugin.descriptor.PluginDescriptor;
import org.apache.maven.project.MavenProject;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds what the user meant but the plugin will ignore: {@code -Dcnn.*} properties and POM
 * {@code <configuration>} elements that name no parameter of any goal, each with the closest known
 * name. Maven 3.8 says nothing about either, and a misspelt property would leave the next build "up
 * to date" with the user believing the change took effect. The known names come from the plugin's
 * own descriptor, so they cannot drift from the parameters.
 */
final class ConfigurationCheck {

    private static final Pattern PROPERTY = Pattern.compile("\\$\\{(cnn\\.[^}]+)}");
    /** Properties read elsewhere than by a goal's parameter: inside the forked JVM ({@code cnn.argLine}). */
    private static final Set<String> FORK_PROPERTIES = Set.of("cnn.mallocTrimSeconds", "cnn.fork.watchParent",
            "cnn.faultInjection.haltAt");

    private ConfigurationCheck() {
    }

    /** One problem per unknown name, each saying what it is and the closest known name. */
    static List<String> problems(PluginDescriptor plugin, MavenProject project, String executionId,
                                 Properties userProperties, Properties systemProperties) {
        Set<String> parameters = new TreeSet<>();
        Set<String> properties = new TreeSet<>(FORK_PROPERTIES);
        for (MojoDescriptor mojo : plugin.getMojos()) {
            for (Parameter p : mojo.getParameters() == null ? List.<Parameter>of() : mojo.getParameters()) {
                if (p.isEditable()) {
                    parameters.add(p.getName());
                }
                Matcher m = PROPERTY.matcher(p.getExpression() == null ? "" : p.getExpression());
                if (m.matches()) {
                    properties.add(m.group(1));
                }
            }
        }
        List<String> problems = new ArrayList<>();
        Set<String> given = new TreeSet<>();
        for (Properties source : new Properties[] {systemProperties, userProperties}) {
            if (source != null) {
                source.stringPropertyNames().stream().filter(n -> n.startsWith("cnn.")).forEach(given::add);
            }
        }
        for (String name : given) {
            if (!properties.contains(name)) {
                problems.add("Unknown property " + name + suggestion(name, properties, ""));
            }
        }
        for (String element : configuredElements(plugin, project, executionId)) {
            if (!parameters.contains(element)) {
                problems.add("Unknown parameter <" + element + "> in the configuration of " + plugin.getArtifactId()
                        + suggestion(element, parameters, "<", ">"));
            }
        }
        return problems;
    }

    private static String suggestion(String name, Set<String> known, String before) {
        return suggestion(name, known, before, "");
    }

    private static String suggestion(String name, Set<String> known, String before, String after) {
        String closest = Names.closest(name, known);
        return closest == null ? ": no goal of this plugin reads it (mvn cnn:help -Ddetail lists them)"
                : ": did you mean " + before + closest + after + "?";
    }

    /** The element names of this plugin's configuration in the POM: plugin-wide and this execution's. */
    private static Set<String> configuredElements(PluginDescriptor plugin, MavenProject project, String executionId) {
        Set<String> names = new TreeSet<>();
        if (project == null || project.getBuildPlugins() == null) {
            return names;
        }
        for (Plugin p : project.getBuildPlugins()) {
            if (!plugin.getGroupId().equals(p.getGroupId()) || !plugin.getArtifactId().equals(p.getArtifactId())) {
                continue;
            }
            names.addAll(children(p.getConfiguration()));
            Map<String, PluginExecution> executions = p.getExecutionsAsMap();
            PluginExecution execution = executions == null || executionId == null ? null : executions.get(executionId);
            if (execution != null) {
                names.addAll(children(execution.getConfiguration()));
            }
        }
        return names;
    }

    /**
     * The child element names of a configuration. It is read from its XML text, not by casting to
     * Xpp3Dom, whose class differs between Maven 3 and Maven 4 and between realms.
     */
    static List<String> children(Object configuration) {
        List<String> names = new ArrayList<>();
        if (configuration == null) {
            return names;
        }
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            Element root = factory.newDocumentBuilder().parse(new org.xml.sax.InputSource(
                    new StringReader(configuration.toString()))).getDocumentElement();
            for (Node n = root.getFirstChild(); n != null; n = n.getNextSibling()) {
                if (n.getNodeType() == Node.ELEMENT_NODE) {
                    names.add(n.getNodeName());
                }
            }
        } catch (Exception e) {
            // A configuration we cannot read is Maven's to report; this check only adds hints.
        }
        return names;
    }
}
