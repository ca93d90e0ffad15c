package io.github.cnnmaven.prediction;

import io.github.cnnmaven.fork.ForkMain;

/** Entry point of the forked prediction JVM: {@code PredictMain <predict-request.json>} writes {@code predictions.csv}. */
public final class PredictMain {

    private PredictMain() {
    }

    public static void main(String[] args) {
        ForkMain.run(args, PredictRequest.class, "Prediction", (request, console) -> new Predictor(console).predict(request));
    }
}
