package dev.whatsapphub.model;

import com.fasterxml.uuid.Generators;
import com.fasterxml.uuid.impl.TimeBasedEpochGenerator;

/**
 * Hub message ids: UUIDs of version 7, which begin with the time they were made. The messages a
 * hub is working on were all made recently, so their index entries share a few pages of the
 * database instead of one page each (random ids), and a checkpoint of the embedded database
 * rewrites those few pages.
 */
public final class MessageIds {

    private static final TimeBasedEpochGenerator GENERATOR = Generators.timeBasedEpochGenerator();

    private MessageIds() {
    }

    public static String next() {
        return GENERATOR.generate().toString();
    }
}
