package dev.whatsapphub.media;

import dev.whatsapphub.broker.BrokerConfiguration;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/**
 * {@code inbound-media}: downloads the files of customers' messages, one JMS message per file on
 * {@code hub.inbound.media} (put there in the transaction that stored the message). A download that
 * fails for a passing reason rolls back and is tried again with the broker's backoff, then lands in
 * {@code hub.inbound.dlq}.
 */
@Component
class MediaRoutes extends RouteBuilder {

    private final MediaDownload download;

    MediaRoutes(MediaDownload download) {
        this.download = download;
    }

    @Override
    public void configure() {
        from(BrokerConfiguration.transactedConsumer(MediaStore.DOWNLOADS, 2))
                .routeId("inbound-media")
                .process(download);
    }
}
