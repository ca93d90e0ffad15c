package io.github.cnnmaven.evaluation;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.cnnmaven.common.CnnException;
import io.github.cnnmaven.common.Console;
import io.github.cnnmaven.dataset.DatasetService;
import io.github.cnnmaven.dataset.LoadedDataset;
import io.github.cnnmaven.fork.ForkedJvm;

import java.nio.file.Path;

/** Entry point of the forked evaluation JVM: {@code EvaluateMain <evaluate-request.json>} writes {@code evaluation.json} without the gate. */
public final class EvaluateMain {

    private EvaluateMain() {
    }

    public static void main(String[] args) {
        Console console = Console.of(m -> System.out.println(ForkedJvm.INFO + m), m -> System.out.println(ForkedJvm.WARN + m));
        try {
            EvaluateRequest request = new ObjectMapper().readValue(Path.of(args[0]).toFile(), EvaluateRequest.class);
            LoadedDataset data = new DatasetService(null, console).load(request.dataset(), request.datasetSpec());
            new Evaluator(console).evaluate(request, data).write(request.outputDirectory().resolve(EvaluationResult.FILE_NAME));
            System.out.flush();
            System.exit(0);
        } catch (CnnException e) {
            System.out.println(ForkedJvm.ERROR + e.getMessage());
            System.out.flush();
            System.exit(2);
        } catch (Throwable e) {
            e.printStackTrace(System.out);
            System.out.println(ForkedJvm.ERROR + "Evaluation crashed: " + e);
            System.out.flush();
            System.exit(1);
        }
    }
}
