package io.github.cnnmaven.lrfinder;

import io.github.cnnmaven.dataset.DatasetService;
import io.github.cnnmaven.fork.ForkMain;

/** Entry point of the forked find-lr JVM: {@code FindLrMain <find-lr-request.json>} writes {@code lr-finder.json}. */
public final class FindLrMain {

    private FindLrMain() {
    }

    public static void main(String[] args) {
        ForkMain.run(args, FindLrRequest.class, "find-lr", (request, console) -> new LrFinder(console).find(request.config(),
                new DatasetService(null, console).load(request.context().dataset(), request.context().datasetSpec()),
                request.settings(), request.fingerprint(), request.context().outputDirectory(), request.context().pretrained()));
    }
}
