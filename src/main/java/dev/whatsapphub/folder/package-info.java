/**
 * The operator's folders ({@code routes/}, {@code connectors/}): polled, each file known by a
 * content hash, a broken edit rejected with file, line and rule while the last good version keeps
 * running; loaders for each kind of file, the line-aware YAML reader they share, and the view in
 * {@code GET /api/v1/config}.
 */
package dev.whatsapphub.folder;
