package io.github.cnnmaven.gate;

import io.github.cnnmaven.common.AtomicFiles;
import io.github.cnnmaven.common.CnnException;
import io.github.cnnmaven.output.EvaluationResult;

import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code TEST-cnn-gate.xml}: JUnit XML with one test case per gate rule, which CI servers show beside surefire's. */
public final class JUnitGateReport {

    private JUnitGateReport() {
    }

    public static void write(EvaluationResult.Gate gate, Path file) throws CnnException {
        try {
            AtomicFiles.write(file, tmp -> {
                try (OutputStream out = Files.newOutputStream(tmp)) {
                    // The JDK's own writer: whatever StAX library a classpath brings (Spark brings Woodstox), the file is the same
                    XMLStreamWriter xml = XMLOutputFactory.newDefaultFactory().createXMLStreamWriter(out, "UTF-8");
                    xml.writeStartDocument("UTF-8", "1.0");
                    xml.writeStartElement("testsuite");
                    xml.writeAttribute("name", "cnn-gate");
                    xml.writeAttribute("tests", String.valueOf(gate.rules().size()));
                    xml.writeAttribute("failures", String.valueOf(gate.rules().stream().filter(r -> !r.passed()).count()));
                    xml.writeAttribute("errors", "0");
                    xml.writeAttribute("skipped", "0");
                    for (EvaluationResult.Rule r : gate.rules()) {
                        xml.writeStartElement("testcase");
                        xml.writeAttribute("classname", "cnn-gate");
                        xml.writeAttribute("name", r.rule());
                        xml.writeAttribute("time", "0");
                        if (!r.passed()) {
                            xml.writeStartElement("failure");
                            xml.writeAttribute("message", "Rule violated: " + r.message());
                            xml.writeAttribute("type", "AccuracyGate");
                            xml.writeCharacters("Rule violated: " + r.message());
                            xml.writeEndElement();
                        }
                        xml.writeEndElement();
                    }
                    xml.writeEndElement();
                    xml.writeEndDocument();
                    xml.close();
                } catch (XMLStreamException e) {
                    throw new IOException(e);
                }
            });
        } catch (IOException e) {
            throw new CnnException("Could not write " + file + ": " + e.getMessage(), e);
        }
    }
}
