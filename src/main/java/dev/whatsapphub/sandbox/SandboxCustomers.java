package dev.whatsapphub.sandbox;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import dev.whatsapphub.Digests;
import dev.whatsapphub.contact.Identity;
import java.math.BigInteger;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sandbox's customers as Meta identifies them since 2026: a business-scoped user id per
 * business account (country code, a period, digits), the phone number when Meta would include it,
 * and the users who adopted a username, whose phone number webhooks leave out. A phone number's
 * user id is derived from the account and the number, so it is the same after a restart.
 */
class SandboxCustomers {

    /** A customer of one business account; {@code waId} is null when only the user id is known. */
    record Customer(String wabaId, String userId, String waId, String username) {
    }

    private static final PhoneNumberUtil PHONES = PhoneNumberUtil.getInstance();

    private final Map<String, Customer> byUserId = new ConcurrentHashMap<>();
    private final Map<String, String> userIdByPhone = new ConcurrentHashMap<>();

    /** The customer with this phone number (digits) in the account. */
    Customer byPhone(String wabaId, String waId) {
        String userId = userIdByPhone.computeIfAbsent(wabaId + ":" + waId, k -> derivedUserId(wabaId, waId));
        return byUserId.computeIfAbsent(wabaId + ":" + userId, k -> new Customer(wabaId, userId, waId, null));
    }

    /** The customer with this user id in the account; one not seen before is a username user with no known phone number. */
    Customer byUserId(String wabaId, String userId) {
        return byUserId.computeIfAbsent(wabaId + ":" + userId, k -> new Customer(wabaId, userId, null, username(userId)));
    }

    /** A customer by phone number (any format with digits) or user id; empty if it is neither. */
    Optional<Customer> find(String wabaId, String customer) {
        if (Identity.USER_ID.matcher(customer).matches()) {
            return Optional.of(byUserId(wabaId, customer));
        }
        String digits = customer.replaceAll("[\\s+().-]", "");
        return digits.matches("\\d{7,15}") ? Optional.of(byPhone(wabaId, digits)) : Optional.empty();
    }

    /** The customer took a username: webhooks leave the phone number out from now on. */
    Customer adoptUsername(Customer customer) {
        if (customer.username() != null) {
            return customer;
        }
        Customer renamed = new Customer(customer.wabaId(), customer.userId(), customer.waId(), username(customer.userId()));
        byUserId.put(customer.wabaId() + ":" + customer.userId(), renamed);
        return renamed;
    }

    /** The sandbox's username of a user: made from the user id, so it is the same every time. */
    private static String username(String userId) {
        return "user" + Integer.toUnsignedString(userId.hashCode());
    }

    private static String derivedUserId(String wabaId, String waId) {
        String region;
        try {
            region = PHONES.getRegionCodeForNumber(PHONES.parse("+" + waId, null));
        } catch (NumberParseException e) {
            region = null;
        }
        if (region == null || !region.matches("[A-Z]{2}")) {
            region = "US";
        }
        // 20 digits, as in Meta's examples (US.13491208655302741918)
        String digits = String.format("%020d", new BigInteger(Digests.sha256(wabaId + ":" + waId), 16).mod(BigInteger.TEN.pow(20)));
        return region + "." + digits;
    }
}
