package dev.whatsapphub.folder;

/** A part of {@code GET /api/v1/config} that a stage adds (connectors add their state and counts), so the API needs no stage of its own. */
public interface ConfigSection {

    String name();

    Object view();
}
