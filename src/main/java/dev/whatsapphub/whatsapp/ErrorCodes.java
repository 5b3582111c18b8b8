package dev.whatsapphub.whatsapp;

import java.util.Map;

/**
 * Meta's error codes as the hub treats them: the table of section 3.4 of the contract
 * document, one row per code, and a sentence that tells an operator what to do.
 */
public final class ErrorCodes {

    private record Row(ErrorClass errorClass, String action) {
    }

    private static final Row UNKNOWN_CODE = new Row(ErrorClass.PERMANENT,
            "Unknown Cloud API error code: read the details and Meta's error-code page before replaying.");

    private static final Map<Integer, Row> TABLE = Map.ofEntries(
            row(0, ErrorClass.SENDER_FATAL, "The access token cannot authenticate: issue a new system-user token, update the sender's access-token and resume the sender."),
            row(1, ErrorClass.TRANSIENT, "Meta reported an unknown error: the hub retried; if it persists, check Meta's status page and replay."),
            row(2, ErrorClass.TRANSIENT, "The Cloud API was down or overloaded: the hub retried; replay the message once Meta recovers."),
            row(3, ErrorClass.PERMANENT, "The app lacks the capability or permission for this call: check the app's permissions in the App Dashboard."),
            row(4, ErrorClass.THROTTLED, "The app hit its Graph API call limit: lower the send rate or wait for the hourly window, then replay."),
            row(10, ErrorClass.PERMANENT, "Permission denied: grant the app whatsapp_business_messaging on this WABA."),
            row(17, ErrorClass.THROTTLED, "Graph user call-rate limit: slow down and replay."),
            row(33, ErrorClass.PERMANENT, "The business phone number was deleted: fix the sender's phone-number-id."),
            row(100, ErrorClass.PERMANENT, "A parameter was invalid or misspelled (or the phone-number id does not exist): fix the message or the sender configuration and replay."),
            row(130429, ErrorClass.THROTTLED, "The number's throughput (messages per second) was exceeded: lower hub.senders.<alias>.messages-per-second to the number's tier."),
            row(130472, ErrorClass.PERMANENT, "The recipient is part of a Meta marketing experiment and was held out: do not resend this marketing message."),
            row(130497, ErrorClass.PERMANENT, "The business may not message users in this country."),
            row(131000, ErrorClass.TRANSIENT, "Something went wrong at Meta: the hub retried; replay the message later."),
            row(131005, ErrorClass.PERMANENT, "Access denied: check the token's permissions on this phone number."),
            row(131008, ErrorClass.PERMANENT, "A required parameter was missing: fix the message and replay."),
            row(131009, ErrorClass.PERMANENT, "A parameter value was not valid: fix the message and replay."),
            row(131016, ErrorClass.TRANSIENT, "The service was unavailable: the hub retried; replay later."),
            row(131021, ErrorClass.PERMANENT, "The recipient is the sender's own number: send to another number."),
            row(131026, ErrorClass.PERMANENT, "The recipient cannot receive this message (not on WhatsApp, old app, or terms not accepted): reach them another way."),
            row(131030, ErrorClass.PERMANENT, "The recipient is not in the test number's allowed list: add it in the App Dashboard."),
            row(131031, ErrorClass.SENDER_FATAL, "The business account is locked: resolve it in WhatsApp Manager, then resume the sender."),
            row(131037, ErrorClass.PERMANENT, "The display name of this number is not approved yet."),
            row(131042, ErrorClass.PERMANENT, "A payment issue on the WhatsApp Business Account: fix billing in Business Manager and replay."),
            row(131045, ErrorClass.PERMANENT, "The phone number is not registered correctly (certificate): re-register it."),
            row(131047, ErrorClass.PERMANENT, "More than 24 hours passed since the customer last wrote: send an approved template instead."),
            row(131048, ErrorClass.PERMANENT, "Spam rate limit: too many messages were blocked or flagged; improve quality before sending more (never retried automatically)."),
            row(131049, ErrorClass.PERMANENT, "Meta held the marketing message back to keep engagement healthy: wait at least 24 hours before resending."),
            row(131050, ErrorClass.PERMANENT, "The customer stopped marketing messages from you: respect the opt-out."),
            row(131051, ErrorClass.PERMANENT, "Unsupported message type: send a supported type."),
            row(131052, ErrorClass.PERMANENT, "Meta could not download the customer's media."),
            row(131053, ErrorClass.PERMANENT, "Meta could not fetch or process your media: check the link is public, the MIME type and the size, then replay."),
            row(131056, ErrorClass.THROTTLED, "Too many messages to this recipient in a short time: the hub backed off; space messages to one customer out."),
            row(131057, ErrorClass.TRANSIENT, "The account was in maintenance (for example a throughput upgrade): the hub retried; replay later."),
            row(132000, ErrorClass.PERMANENT, "The number of template parameters does not match the template: fix the parameters and replay."),
            row(132001, ErrorClass.PERMANENT, "The template does not exist in this language or is not approved: check name and language in WhatsApp Manager."),
            row(132005, ErrorClass.PERMANENT, "The filled-in template text is too long: shorten the parameters."),
            row(132007, ErrorClass.PERMANENT, "The template's parameters break the format policy: fix the parameter text."),
            row(132012, ErrorClass.PERMANENT, "A template parameter has the wrong format or type: fix the parameters."),
            row(132015, ErrorClass.PERMANENT, "The template is paused for low quality: edit it or wait until the pause ends, then replay."),
            row(132016, ErrorClass.PERMANENT, "The template is disabled: create a new template."),
            row(132068, ErrorClass.PERMANENT, "The flow is blocked."),
            row(132069, ErrorClass.THROTTLED, "The flow is throttled: wait for the next hour."),
            row(133010, ErrorClass.PERMANENT, "The phone number is not registered with the Cloud API: register it."),
            row(133004, ErrorClass.TRANSIENT, "The server was temporarily unavailable: the hub retried; replay later."),
            row(135000, ErrorClass.PERMANENT, "Generic user error: check the request parameters."),
            row(190, ErrorClass.SENDER_FATAL, "The access token is invalid or expired: set a valid system-user token for the sender and resume it."),
            row(200, ErrorClass.SENDER_FATAL, "The system user lacks access to this WhatsApp asset: assign the asset to the system user, then resume the sender."),
            row(368, ErrorClass.SENDER_FATAL, "The account is temporarily blocked for policy violations: check Business Support Home, then resume the sender."),
            row(80007, ErrorClass.THROTTLED, "The WABA hit its rate limit: wait for the hourly window, then replay."));

    private ErrorCodes() {
    }

    public static ErrorClass classify(int code) {
        return TABLE.getOrDefault(code, UNKNOWN_CODE).errorClass();
    }

    public static String action(int code) {
        return TABLE.getOrDefault(code, UNKNOWN_CODE).action();
    }

    private static Map.Entry<Integer, Row> row(int code, ErrorClass errorClass, String action) {
        return Map.entry(code, new Row(errorClass, action));
    }
}
