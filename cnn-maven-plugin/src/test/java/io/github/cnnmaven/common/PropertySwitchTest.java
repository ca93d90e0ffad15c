package io.github.cnnmaven.common;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PropertySwitchTest {

    private final PropertySwitch onByDefault = new PropertySwitch("cnn.test.switch");
    private final PropertySwitch onTrial = new PropertySwitch("cnn.test.switch", false);

    @Test
    void forkArgumentsAreReadAsTheForkReadsTheProperty() {
        assertTrue(onByDefault.onIn(List.of("-Xmx2g")), "unset: the default");
        assertFalse(onByDefault.onIn(List.of("-Dcnn.test.switch=false")));
        assertFalse(onByDefault.onIn(List.of("-Dcnn.test.switch= False ")), "any case, any surrounding space");
        assertTrue(onByDefault.onIn(List.of("-Dcnn.test.switch=")), "blank: the default");
        assertTrue(onByDefault.onIn(List.of("-Dcnn.test.switch=false", "-Dcnn.test.switch=true")), "the last one wins");
        assertTrue(onByDefault.onIn(List.of("-Dcnn.test.switchother=false")), "another property");
        assertFalse(onTrial.onIn(List.of()));
        assertTrue(onTrial.onIn(List.of("-Dcnn.test.switch=true")));
    }
}
