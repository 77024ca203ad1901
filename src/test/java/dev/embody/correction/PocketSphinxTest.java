package dev.embody.correction;

import com.sun.jna.NativeLibrary;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Loading the recogniser into the controller's process. */
@Tag("external")
class PocketSphinxTest {

    @Test
    void itsOpenBlasStaysOutOfTheProcessWideSymbolsSoOpenCvKeepsItsOwn() {
        assertThat(PocketSphinx.unavailableReason()).as("Debian's pocketsphinx and pocketsphinx-en-us").isNull();
        // Debian's pocketsphinx links Debian's OpenBLAS 0.3.21; had it been loaded globally, OpenCV's OpenBLAS 0.3.30
        // would bind to its kernel table and overrun a buffer in calibrateCamera (a SIGSEGV in a CI test JVM)
        assertThatThrownBy(() -> NativeLibrary.getProcess().getFunction("openblas_get_config"))
                .isInstanceOf(UnsatisfiedLinkError.class);
    }
}
