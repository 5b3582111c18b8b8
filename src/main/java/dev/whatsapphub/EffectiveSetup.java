package dev.whatsapphub;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import dev.whatsapphub.broker.BrokerPolicy;
import dev.whatsapphub.broker.StandaloneBrokerPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.jms.artemis.ArtemisProperties;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/** Says at start-up which broker, database and broker policy this hub runs with: the first thing to check at 3 a.m. */
@Component
class EffectiveSetup {

    private static final Logger log = LoggerFactory.getLogger(EffectiveSetup.class);

    private final ArtemisProperties artemis;
    private final DataSource dataSource;
    private final ObjectProvider<StandaloneBrokerPolicy> standalonePolicy;

    EffectiveSetup(ArtemisProperties artemis, DataSource dataSource, ObjectProvider<StandaloneBrokerPolicy> standalonePolicy) {
        this.artemis = artemis;
        this.dataSource = dataSource;
        this.standalonePolicy = standalonePolicy;
    }

    @EventListener(ApplicationReadyEvent.class)
    void report() {
        boolean embedded = artemis.getMode() == null || artemis.getMode() == org.springframework.boot.autoconfigure.jms.artemis.ArtemisMode.EMBEDDED;
        if (embedded) {
            log.info("Broker: embedded Artemis, journal in {}; policy set in its configuration: {}", artemis.getEmbedded().getDataDirectory(),
                    BrokerPolicy.SUMMARY);
        } else {
            StandaloneBrokerPolicy policy = standalonePolicy.getObject();
            log.info("Broker: Artemis at {} as user {}; policy {}", artemis.getBrokerUrl(), artemis.getUser(), policy.effective());
        }
        try (Connection c = dataSource.getConnection()) {
            log.info("Database: {} {} at {}", c.getMetaData().getDatabaseProductName(), c.getMetaData().getDatabaseProductVersion(),
                    c.getMetaData().getURL());
        } catch (SQLException e) {
            log.warn("Database: cannot be described ({})", e.getMessage());
        }
    }
}
