package io.github.cnnmaven.network;

import io.github.cnnmaven.common.CnnException;

/** A network that cannot be built for the input: the message names the layer and its shapes. */
public class NetworkDefinitionException extends CnnException {

    private static final long serialVersionUID = 1L;

    public NetworkDefinitionException(String message) {
        super(message);
    }
}
