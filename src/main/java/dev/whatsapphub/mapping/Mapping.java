package dev.whatsapphub.mapping;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whatsapphub.mapping.EventExpression.EvaluationException;
import dev.whatsapphub.model.CloudEvent;
import dev.whatsapphub.templates.Template;
import dev.whatsapphub.templates.TemplateCheck;
import dev.whatsapphub.templates.TemplateMismatch;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.text.NumberFormat;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Currency;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import org.apache.camel.Exchange;

/**
 * One event-to-message mapping of a routes file, compiled: which events it takes, to whom it
 * sends, and the template message it fills in. {@link #render} turns an event into send-API
 * requests, the same JSON a connected system would post to {@code /api/v1/messages}.
 */
record Mapping(String id, String file, int line, String eventType, EventExpression when, String sender,
               EventExpression to, TemplateSpec template, TemplateSpec fallback, String failReason,
               String category, Map<String, EventExpression> metadata, EventExpression callback) {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    /** A template and how to fill it: the name is fixed, the language may come from the event. */
    record TemplateSpec(String field, int line, String name, EventExpression language, String defaultLanguage,
                        List<Param> header, List<Param> body, List<ButtonParam> buttons, Map<String, Integer> sectionLines) {

        /** The line a mismatch is about: its section's key (body:, header:, buttons:) if the file has it, else template:. */
        int lineOf(List<TemplateMismatch> mismatches) {
            String section = mismatches.isEmpty() ? "" : mismatches.get(0).field().replaceAll("[.\\[].*$", "");
            return sectionLines.getOrDefault(section, line);
        }

        /** Components with placeholder values, to check the shape against the template at load time. */
        ArrayNode sampleComponents() {
            return components(null, Locale.ROOT);
        }

        ArrayNode components(Exchange exchange, Locale locale) {
            ArrayNode components = JSON.arrayNode();
            if (!header.isEmpty()) {
                ArrayNode params = components.addObject().put("type", "header").putArray("parameters");
                header.forEach(p -> params.add(p.render(exchange, locale)));
            }
            if (!body.isEmpty()) {
                ArrayNode params = components.addObject().put("type", "body").putArray("parameters");
                body.forEach(p -> params.add(p.render(exchange, locale)));
            }
            for (ButtonParam b : buttons) {
                components.addObject().put("type", "button").put("sub_type", b.subType()).put("index", String.valueOf(b.index()))
                        .putArray("parameters").add(b.render(exchange));
            }
            return components;
        }
    }

    /** A value for a template parameter; with a null exchange it renders a placeholder. */
    sealed interface Param permits TextParam, CurrencyParam, DateParam, MediaParam {
        ObjectNode render(Exchange exchange, Locale locale);
    }

    record TextParam(String name, EventExpression value) implements Param {
        public ObjectNode render(Exchange exchange, Locale locale) {
            return named(JSON.objectNode().put("type", "text").put("text", exchange == null ? "x" : value.required(exchange)), name);
        }
    }

    /** A money amount: Meta shows {@code fallback_value}, formatted here in the template's language. */
    record CurrencyParam(String name, EventExpression amount, EventExpression code) implements Param {
        public ObjectNode render(Exchange exchange, Locale locale) {
            ObjectNode currency = JSON.objectNode();
            if (exchange == null) {
                currency.put("fallback_value", "1.00").put("code", "USD").put("amount_1000", 1000);
            } else {
                String currencyCode = code.required(exchange).toUpperCase(Locale.ROOT);
                BigDecimal value;
                try {
                    value = new BigDecimal(amount.required(exchange));
                } catch (NumberFormatException e) {
                    throw new EvaluationException(amount.field(), amount.line(), "the amount is not a number: " + amount.text(exchange));
                }
                NumberFormat format = NumberFormat.getCurrencyInstance(locale);
                try {
                    format.setCurrency(Currency.getInstance(currencyCode));
                } catch (IllegalArgumentException e) {
                    throw new EvaluationException(code.field(), code.line(), "'" + currencyCode + "' is not an ISO 4217 currency code");
                }
                long amount1000;
                try {
                    amount1000 = value.movePointRight(3).setScale(0, RoundingMode.HALF_UP).longValueExact();
                } catch (ArithmeticException e) {
                    throw new EvaluationException(amount.field(), amount.line(), "the amount " + value.toPlainString() + " is too large");
                }
                currency.put("fallback_value", format.format(value)).put("code", currencyCode).put("amount_1000", amount1000);
            }
            return named(JSON.objectNode().put("type", "currency").set("currency", currency), name);
        }
    }

    /** A date or time, shown as text formatted with the pattern (or the language's medium style). */
    record DateParam(String name, EventExpression value, String pattern) implements Param {
        public ObjectNode render(Exchange exchange, Locale locale) {
            String text = "x";
            if (exchange != null) {
                TemporalAccessor time = parseTime(value.required(exchange));
                DateTimeFormatter format = pattern == null
                        ? (time instanceof LocalDate ? DateTimeFormatter.ofLocalizedDate(FormatStyle.LONG) : DateTimeFormatter.ofLocalizedDateTime(FormatStyle.MEDIUM))
                        : DateTimeFormatter.ofPattern(pattern);
                try {
                    text = format.withLocale(locale).format(time);
                } catch (RuntimeException e) {
                    throw new EvaluationException(value.field(), value.line(), "the value has no time of day for the pattern '" + pattern + "': " + e.getMessage());
                }
            }
            return named(JSON.objectNode().put("type", "date_time").set("date_time", JSON.objectNode().put("fallback_value", text)), name);
        }

        private TemporalAccessor parseTime(String s) {
            try {
                if (s.matches("\\d{4}-\\d{2}-\\d{2}")) {
                    return LocalDate.parse(s);
                }
                if (s.matches("\\d+")) {
                    return LocalDateTime.ofInstant(Instant.ofEpochSecond(Long.parseLong(s)), ZoneOffset.UTC);
                }
                if (s.matches(".*([Zz]|[+-]\\d{2}:?\\d{2})$")) {
                    return OffsetDateTime.parse(s).toLocalDateTime();
                }
                return LocalDateTime.parse(s);
            } catch (RuntimeException e) {
                throw new EvaluationException(value.field(), value.line(), "'" + s + "' is not an ISO date (2026-11-20), date-time (2026-11-20T10:00:00Z) or epoch seconds");
            }
        }
    }

    /** A media header: a link when the value is a URL, a media id otherwise. */
    record MediaParam(String kind, EventExpression value, EventExpression filename) implements Param {
        public ObjectNode render(Exchange exchange, Locale locale) {
            String v = exchange == null ? "https://example.com/x" : value.required(exchange);
            ObjectNode media = JSON.objectNode().put(v.startsWith("http://") || v.startsWith("https://") ? "link" : "id", v);
            if (filename != null && exchange != null) {
                media.put("filename", filename.required(exchange));
            }
            return JSON.objectNode().put("type", kind).set(kind, media);
        }
    }

    /** The value a button takes: a URL suffix, a quick-reply payload or a coupon code. */
    record ButtonParam(int index, String subType, EventExpression value) {
        ObjectNode render(Exchange exchange) {
            String v = exchange == null ? "x" : value.required(exchange);
            return switch (subType) {
                case "quick_reply" -> JSON.objectNode().put("type", "payload").put("payload", v);
                case "copy_code" -> JSON.objectNode().put("type", "coupon_code").put("coupon_code", v);
                default -> JSON.objectNode().put("type", "text").put("text", v);
            };
        }
    }

    private static ObjectNode named(ObjectNode param, String name) {
        return name == null ? param : param.put("parameter_name", name);
    }

    /** The template that will be used, or why none can be. */
    record Resolved(TemplateSpec spec, Template template, String language, ArrayNode components, List<String> problems, int line) {
        Resolved(TemplateSpec spec, Template template, String language, ArrayNode components, List<String> problems) {
            this(spec, template, language, components, problems, spec.line());
        }
    }

    boolean takes(CloudEvent event, Exchange exchange) {
        return eventType.equals(event.type()) && (when == null || when.matches(exchange));
    }

    /**
     * The send requests for one event: one per recipient. The template (or the fallback) must
     * exist in the language, be approved and take these parameters; otherwise an
     * EvaluationException names the template, the language and what does not fit.
     */
    List<ObjectNode> render(CloudEvent event, Exchange exchange, BiFunction<String, String, Optional<Template>> templates,
                            String idempotencyPrefix) {
        List<String> recipients = recipients(exchange);
        Resolved chosen = resolve(template, exchange, templates);
        if (!chosen.problems().isEmpty() && fallback != null) {
            Resolved second = resolve(fallback, exchange, templates);
            if (!second.problems().isEmpty()) {
                throw new EvaluationException("template", template.line(), String.join("; ", chosen.problems()) + "; and the fallback: " + String.join("; ", second.problems()));
            }
            chosen = second;
        }
        if (!chosen.problems().isEmpty()) {
            throw new EvaluationException(chosen.spec().field(), chosen.line(), String.join("; ", chosen.problems())
                    + (failReason == null ? "" : " (" + failReason + ")"));
        }
        ArrayNode components = chosen.components();
        ObjectNode meta = JSON.objectNode();
        metadata.forEach((name, expression) -> {
            Object value = expression.evaluate(exchange);
            meta.put(name, value == null ? null : value.toString());
        });
        meta.putObject("event").put("source", event.source()).put("id", event.id()).put("type", event.type()).put("mapping", id);
        List<ObjectNode> requests = new ArrayList<>();
        for (int i = 0; i < recipients.size(); i++) {
            ObjectNode request = JSON.objectNode().put("to", recipients.get(i));
            if (sender != null) {
                request.put("from", sender);
            }
            ObjectNode t = request.putObject("template").put("name", chosen.template().name()).put("language", chosen.language());
            t.set("components", components.deepCopy());
            request.set("metadata", meta.deepCopy());
            if (callback != null) {
                Object url = callback.evaluate(exchange);
                if (url != null && !url.toString().isBlank()) {
                    request.put("callback_url", url.toString());
                }
            }
            request.put("idempotency_key", idempotencyPrefix + ":" + id + ":" + i);
            requests.add(request);
        }
        return requests;
    }

    private List<String> recipients(Exchange exchange) {
        Object value = to.evaluate(exchange);
        List<String> list = new ArrayList<>();
        if (value instanceof Collection<?> many) {
            many.stream().filter(v -> v != null && !v.toString().isBlank()).forEach(v -> list.add(v.toString().trim()));
        } else if (value != null && !value.toString().isBlank()) {
            list.add(value.toString().trim());
        }
        if (list.isEmpty()) {
            throw new EvaluationException("to", to.line(), "gives no recipient for this event");
        }
        return list;
    }

    private static Resolved resolve(TemplateSpec spec, Exchange exchange, BiFunction<String, String, Optional<Template>> templates) {
        String wanted = spec.language() == null ? null : spec.language().text(exchange);
        String language = wanted == null ? spec.defaultLanguage() : wanted;
        Optional<Template> found = templates.apply(spec.name(), language);
        if (found.isEmpty() && wanted != null && spec.defaultLanguage() != null) {
            // no version in the customer's language: the mapping's default language is the rule
            language = spec.defaultLanguage();
            found = templates.apply(spec.name(), language);
        }
        if (found.isEmpty()) {
            return new Resolved(spec, null, language, null, List.of("template '" + spec.name() + "' does not exist in language " + language));
        }
        if (!found.get().approved()) {
            return new Resolved(spec, found.get(), language, null, List.of("template '" + spec.name() + "' (" + language + ") is "
                    + found.get().status() + ", only APPROVED templates can be sent"));
        }
        // a template changed since the file loaded (Meta added a variable, say) is unusable too
        ArrayNode components = spec.components(exchange, Locale.forLanguageTag(language.replace('_', '-')));
        List<TemplateMismatch> mismatches = TemplateCheck.check(found.get(), components);
        if (!mismatches.isEmpty()) {
            return new Resolved(spec, found.get(), language, null, List.of(describe(found.get(), mismatches)), spec.lineOf(mismatches));
        }
        return new Resolved(spec, found.get(), language, components, List.of());
    }

    static String describe(Template template, List<TemplateMismatch> mismatches) {
        return "template '" + template.name() + "' (" + template.language() + ") does not fit: "
                + String.join("; ", mismatches.stream().map(TemplateMismatch::rule).toList());
    }
}
