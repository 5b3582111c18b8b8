package dev.whatsapphub.model;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;

/** Recipient numbers, parsed and normalised to E.164 with libphonenumber. */
public final class PhoneNumbers {

    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();

    private PhoneNumbers() {
    }

    /**
     * Returns the E.164 form of {@code raw}, or throws with the rule it breaks. Digits without a
     * leading + are read as international (Meta's wa_id form) unless a default region is set.
     */
    public static String toE164(String raw, String defaultRegion) {
        String text = raw.strip();
        if (text.startsWith("00")) {
            text = "+" + text.substring(2);
        }
        boolean international = text.startsWith("+");
        if (!international && defaultRegion == null && text.matches("[\\d\\s().-]+")) {
            text = "+" + text;
        }
        PhoneNumber number;
        try {
            number = UTIL.parse(text, international ? null : defaultRegion);
        } catch (NumberParseException e) {
            throw new IllegalArgumentException("must be a phone number in international format, like +34612345678 ("
                    + e.getErrorType().name().toLowerCase().replace('_', ' ') + ")");
        }
        if (!UTIL.isValidNumber(number)) {
            String region = UTIL.getRegionCodeForNumber(number);
            boolean knownCountry = !"ZZ".equals(UTIL.getRegionCodeForCountryCode(number.getCountryCode()));
            throw new IllegalArgumentException("'" + raw + "' is not a valid phone number"
                    + (region != null ? " for region " + region
                    : knownCountry ? " (no number of country code +" + number.getCountryCode() + " looks like this)"
                    : " (unknown country code +" + number.getCountryCode() + ")"));
        }
        return UTIL.format(number, PhoneNumberFormat.E164);
    }

    /** For logs: keeps the country code and the last two digits. */
    public static String mask(String e164) {
        if (e164 == null || e164.length() < 6) {
            return "***";
        }
        return e164.substring(0, 3) + "*".repeat(e164.length() - 5) + e164.substring(e164.length() - 2);
    }
}
