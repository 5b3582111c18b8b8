/**
 * The 24-hour customer service window of each sender and contact: opened by what the customer
 * sends, closed early by Meta's 131047; free-form sends outside it are refused at acceptance or
 * replaced by their fallback template.
 */
package dev.whatsapphub.window;
