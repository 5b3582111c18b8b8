/** The canonical outbound message: the send request as the hub accepts it, its validation, and the Cloud API payload built from it. */
package dev.whatsapphub.model;
