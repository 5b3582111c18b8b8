package dev.whatsapphub.broker;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Prints a broker that lacks the hub's policy as Boot's "APPLICATION FAILED TO START" with the fix, not as a stack trace. */
class BrokerPolicyFailureAnalyzer extends AbstractFailureAnalyzer<BrokerPolicyException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, BrokerPolicyException cause) {
        return new FailureAnalysis(cause.getMessage(), cause.action(), cause);
    }
}
