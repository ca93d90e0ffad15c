package io.github.cnnmaven.training;

import io.github.cnnmaven.dataset.DatasetService;
import io.github.cnnmaven.fork.ForkMain;

/** Entry point of the forked training JVM: {@code TrainMain <train-request.json>}. */
public final class TrainMain {

    private TrainMain() {
    }

    public static void main(String[] args) {
        ForkMain.run(args, TrainRequest.class, "Training", (request, console) -> new Trainer(console)
                .train(request, new DatasetService(null, console).load(request.context().dataset(), request.context().datasetSpec()), null));
    }
}
