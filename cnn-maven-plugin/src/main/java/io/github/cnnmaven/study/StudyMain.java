package io.github.cnnmaven.study;

import io.github.cnnmaven.dataset.DatasetService;
import io.github.cnnmaven.fork.ForkMain;

/** Entry point of the forked study JVM: {@code StudyMain <study-request.json>}. The dataset is loaded once for all variants. */
public final class StudyMain {

    private StudyMain() {
    }

    public static void main(String[] args) {
        ForkMain.run(args, StudyRequest.class, "The study", (request, console) -> new StudyRunner(console)
                .run(request, new DatasetService(null, console).load(request.context().dataset(), request.context().datasetSpec()), null));
    }
}
