package dev.whatsapphub.whatsapp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ErrorCodesTests {

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({
            "0, SENDER_FATAL", "190, SENDER_FATAL", "200, SENDER_FATAL", "368, SENDER_FATAL", "131031, SENDER_FATAL",
            "1, TRANSIENT", "2, TRANSIENT", "131000, TRANSIENT", "131016, TRANSIENT", "131057, TRANSIENT", "133004, TRANSIENT",
            "4, THROTTLED", "17, THROTTLED", "80007, THROTTLED", "130429, THROTTLED", "131056, THROTTLED", "132069, THROTTLED",
            "100, PERMANENT", "131008, PERMANENT", "131009, PERMANENT", "131026, PERMANENT", "131047, PERMANENT",
            "131048, PERMANENT", "131049, PERMANENT", "131050, PERMANENT", "131053, PERMANENT", "132000, PERMANENT",
            "132001, PERMANENT", "132015, PERMANENT", "132016, PERMANENT", "999999, PERMANENT"})
    void everyCodeHasItsClass(int code, ErrorClass expected) {
        assertThat(ErrorCodes.classify(code)).isEqualTo(expected);
        assertThat(ErrorCodes.action(code)).isNotBlank().endsWith(".");
    }

    @Test
    void graphErrorBodyIsRead() throws Exception {
        var body = new ObjectMapper().readTree("""
                {"error": {"message": "(#131056) (Business Account, Consumer Account) pair rate limit hit", "type": "OAuthException",
                 "code": 131056, "error_data": {"messaging_product": "whatsapp", "details": "too many"}, "fbtrace_id": "Az"}}""");

        CloudApiError error = CloudApiError.fromGraphBody(body, 400, body.toString());

        assertThat(error.code()).isEqualTo(131056);
        assertThat(error.title()).isEqualTo("(Business Account, Consumer Account) pair rate limit hit");
        assertThat(error.details()).isEqualTo("too many");
        assertThat(error.errorClass()).isEqualTo(ErrorClass.THROTTLED);
    }

    @Test
    void bodyThatIsNotAGraphErrorIsTransientWhenTheServerFailed() {
        assertThat(CloudApiError.fromGraphBody(null, 502, "<html>Bad gateway</html>").errorClass()).isEqualTo(ErrorClass.TRANSIENT);
        assertThat(CloudApiError.fromGraphBody(null, 400, "oops").errorClass()).isEqualTo(ErrorClass.TRANSIENT);
    }
}
