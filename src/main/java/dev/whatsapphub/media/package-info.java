/** Media customers send: downloaded from the Cloud API at once, checked, checksummed and kept under the data directory. */
package dev.whatsapphub.media;
