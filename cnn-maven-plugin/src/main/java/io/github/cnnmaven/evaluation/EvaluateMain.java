package io.github.cnnmaven.evaluation;


import io.github.cnnmaven.dataset.DatasetService;
import io.github.cnnmaven.fork.ForkMain;

/** Entry point of the forked evaluation JVM: {@code EvaluateMain <evaluate-request.json>} writes {@code evaluation.json} without the gate. */
public final class EvaluateMain {

    private EvaluateMain() {
    }

    public static void main(String[] args) {
        ForkMain.run(args, EvaluateRequest.class, "Evaluation", (request, console) -> new Evaluator(console)
                .evaluate(request, new DatasetService(null, console).load(request.context().dataset(), request.context().datasetSpec()))
                .write(request.context().output().evaluationFile()));
    }
}
