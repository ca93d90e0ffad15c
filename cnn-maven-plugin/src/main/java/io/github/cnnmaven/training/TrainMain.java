package io.github.cnnmaven.training;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.cnnmaven.common.CnnException;
import io.github.cnnmaven.common.Console;
import io.github.cnnmaven.dataset.DatasetService;
import io.github.cnnmaven.dataset.LoadedDataset;
import io.github.cnnmaven.fork.ForkedJvm;

import java.nio.file.Path;

/**
 * Entry point of the forked training JVM: {@code TrainMain <train-request.json>}. Reads the
 * dataset the Maven side prepared, trains, and reports through prefixed stdout lines.
 * Exit status 0 on success, 2 on a failure with a message for the user, 1 on a crash.
 */
public final class TrainMain {

    private TrainMain() {
    }

    public static void main(String[] args) {
        Console console = Console.of(m -> System.out.println(ForkedJvm.INFO + m), m -> System.out.println(ForkedJvm.WARN + m));
        try {
            TrainRequest request = new ObjectMapper().readValue(Path.of(args[0]).toFile(), TrainRequest.class);
            LoadedDataset data = new DatasetService(null, console).load(request.dataset(), request.datasetSpec());
            new Trainer(console).train(request, data, null);
            System.out.flush();
            System.exit(0);
        } catch (CnnException e) {
            System.out.println(ForkedJvm.ERROR + e.getMessage());
            System.out.flush();
            System.exit(2);
        } catch (Throwable e) {
            e.printStackTrace(System.out);
            System.out.println(ForkedJvm.ERROR + "Training crashed: " + e);
            System.out.flush();
            System.exit(1);
        }
    }
}
