package dev.whatsapphub.standin.salesforce;

import com.google.protobuf.ByteString;
import com.salesforce.eventbus.protobuf.ConsumerEvent;
import com.salesforce.eventbus.protobuf.FetchRequest;
import com.salesforce.eventbus.protobuf.FetchResponse;
import com.salesforce.eventbus.protobuf.ProducerEvent;
import com.salesforce.eventbus.protobuf.PubSubGrpc;
import com.salesforce.eventbus.protobuf.SchemaInfo;
import com.salesforce.eventbus.protobuf.SchemaRequest;
import com.salesforce.eventbus.protobuf.TopicInfo;
import com.salesforce.eventbus.protobuf.TopicRequest;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Salesforce's Pub/Sub API, served by the stand-in over gRPC (plain text, on a local port):
 * GetTopic, GetSchema and Subscribe. Subscribe is a bidirectional stream: each FetchRequest adds
 * {@code num_requested} to what the subscriber may receive; events go out Avro-encoded with their
 * replay ids, from the preset (LATEST, EARLIEST) or right after a CUSTOM replay id, and a replay id
 * the topic does not hold ends the stream with Salesforce's error code for it. Calls must carry a
 * token the stand-in issued ({@code accesstoken}), as the real API's do.
 */
public class PubSubStandIn extends PubSubGrpc.PubSubImplBase {

    static final String CORRUPTED_REPLAY_ID = "sfdc.platform.eventbus.grpc.subscription.fetch.replayid.corrupted";
    static final String AUTH_ERROR = "sfdc.platform.eventbus.grpc.service.auth.error";
    private static final Metadata.Key<String> ERROR_CODE = Metadata.Key.of("error-code", Metadata.ASCII_STRING_MARSHALLER);
    private static final Metadata.Key<String> ACCESS_TOKEN = Metadata.Key.of("accesstoken", Metadata.ASCII_STRING_MARSHALLER);
    private static final int MAX_BATCH = 100;
    private static final Logger log = LoggerFactory.getLogger(PubSubStandIn.class);

    private final SalesforceOrg org;
    private final String tenant;
    private Server server;

    public PubSubStandIn(SalesforceOrg org, String tenant) {
        this.org = org;
        this.tenant = tenant;
    }

    public void start(String host, int port) throws IOException {
        ServerInterceptor tokens = new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
                if (!org.validToken(headers.get(ACCESS_TOKEN))) {
                    call.close(Status.UNAUTHENTICATED.withDescription("The session is invalid or expired"), trailers(AUTH_ERROR));
                    return new ServerCall.Listener<>() {
                    };
                }
                return next.startCall(call, headers);
            }
        };
        server = NettyServerBuilder.forAddress(new InetSocketAddress(host, port)).addService(ServerInterceptors.intercept(this, tokens))
                .build().start();
        log.info("Salesforce stand-in: Pub/Sub API (gRPC, plain text) on {}:{}", host, server.getPort());
    }

    public int port() {
        return server.getPort();
    }

    public void stop() throws InterruptedException {
        if (server != null) {
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private static Metadata trailers(String errorCode) {
        Metadata trailers = new Metadata();
        trailers.put(ERROR_CODE, errorCode);
        return trailers;
    }

    @Override
    public void getTopic(TopicRequest request, StreamObserver<TopicInfo> out) {
        org.topic(request.getTopicName()).ifPresentOrElse(topic -> {
            out.onNext(TopicInfo.newBuilder().setTopicName(topic.name).setTenantGuid(tenant).setCanPublish(true).setCanSubscribe(true)
                    .setSchemaId(topic.schemaId).setRpcId(UUID.randomUUID().toString()).build());
            out.onCompleted();
        }, () -> out.onError(Status.NOT_FOUND.withDescription("Topic not found: " + request.getTopicName()).asRuntimeException()));
    }

    @Override
    public void getSchema(SchemaRequest request, StreamObserver<SchemaInfo> out) {
        org.topicBySchema(request.getSchemaId()).ifPresentOrElse(topic -> {
            out.onNext(SchemaInfo.newBuilder().setSchemaId(topic.schemaId).setSchemaJson(topic.schema.toString())
                    .setRpcId(UUID.randomUUID().toString()).build());
            out.onCompleted();
        }, () -> out.onError(Status.NOT_FOUND.withDescription("Schema not found: " + request.getSchemaId()).asRuntimeException()));
    }

    @Override
    public StreamObserver<FetchRequest> subscribe(StreamObserver<FetchResponse> responses) {
        Subscription subscription = new Subscription((ServerCallStreamObserver<FetchResponse>) responses);
        return new StreamObserver<>() {
            @Override
            public void onNext(FetchRequest request) {
                subscription.request(request);
            }

            @Override
            public void onError(Throwable t) {
                subscription.close();
            }

            @Override
            public void onCompleted() {
                subscription.close();
                subscription.complete();
            }
        };
    }

    /** One subscriber's stream: where it stands in its topic and how many events it may still receive. */
    private final class Subscription implements Consumer<SalesforceOrg.Topic> {
        private final ServerCallStreamObserver<FetchResponse> out;
        private SalesforceOrg.Topic topic;
        private int position;
        private long credit;
        private boolean closed;
        private SalesforceOrg.Subscribed log;

        Subscription(ServerCallStreamObserver<FetchResponse> out) {
            this.out = out;
            out.setOnCancelHandler(this::close);
        }

        synchronized void request(FetchRequest request) {
            if (closed) {
                return;
            }
            if (topic == null) {
                SalesforceOrg.Topic t = org.topic(request.getTopicName()).orElse(null);
                if (t == null) {
                    fail(Status.NOT_FOUND.withDescription("Topic not found: " + request.getTopicName()), null);
                    return;
                }
                ByteString id = request.getReplayId();
                Long asked = id.isEmpty() ? null : Long.valueOf(id.size() == Long.BYTES ? ByteBuffer.wrap(id.toByteArray()).getLong() : -1L);
                log = org.subscribed(t.name, request.getReplayPreset().name(), asked);
                Integer start = start(t, request);
                if (start == null) {
                    return;
                }
                topic = t;
                position = start;
                topic.listeners.add(this);
            }
            credit += request.getNumRequested();
            drain();
        }

        /** Where the stream starts in the topic, or null when the replay id is not one of the topic's (the stream is failed). */
        private Integer start(SalesforceOrg.Topic t, FetchRequest request) {
            List<SalesforceOrg.Published> events = t.events;
            return switch (request.getReplayPreset()) {
                case EARLIEST -> 0;
                case CUSTOM -> {
                    ByteString id = request.getReplayId();
                    long replay = id.size() == Long.BYTES ? ByteBuffer.wrap(id.toByteArray()).getLong() : -1;
                    for (int i = 0; i < events.size(); i++) {
                        if (events.get(i).replay() == replay) {
                            yield i + 1;
                        }
                    }
                    fail(Status.INVALID_ARGUMENT.withDescription("The Replay ID validation failed: the replay id is not valid for "
                            + t.name + " (corrupted, or the event is no longer retained)"), CORRUPTED_REPLAY_ID);
                    yield null;
                }
                default -> events.size();
            };
        }

        @Override
        public void accept(SalesforceOrg.Topic changed) {
            drain();
        }

        private synchronized void drain() {
            while (!closed && credit > 0 && position < topic.events.size()) {
                int n = (int) Math.min(Math.min(credit, MAX_BATCH), topic.events.size() - position);
                FetchResponse.Builder response = FetchResponse.newBuilder().setRpcId(UUID.randomUUID().toString());
                List<SalesforceOrg.Published> batch = topic.events.subList(position, position + n);
                for (SalesforceOrg.Published e : batch) {
                    response.addEvents(ConsumerEvent.newBuilder().setReplayId(ByteString.copyFrom(e.replayId()))
                            .setEvent(ProducerEvent.newBuilder().setId(e.uuid()).setSchemaId(topic.schemaId)
                                    .setPayload(ByteString.copyFrom(e.payload()))));
                }
                credit -= n;
                position += n;
                log.sent.addAndGet(n);
                response.setLatestReplayId(ByteString.copyFrom(batch.get(n - 1).replayId())).setPendingNumRequested((int) credit);
                try {
                    out.onNext(response.build());
                } catch (StatusRuntimeException | IllegalStateException gone) {
                    close();
                }
            }
        }

        private void fail(Status status, String errorCode) {
            closed = true;
            if (log != null) {
                log.error = errorCode == null ? status.getCode().name() : errorCode;
            }
            out.onError(errorCode == null ? status.asRuntimeException() : status.asRuntimeException(trailers(errorCode)));
        }

        synchronized void close() {
            closed = true;
            if (topic != null) {
                topic.listeners.remove(this);
            }
        }

        void complete() {
            try {
                out.onCompleted();
            } catch (IllegalStateException alreadyClosed) {
                // the call ended first
            }
        }
    }
}
