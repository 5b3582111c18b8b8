package dev.whatsapphub.mapping;

import dev.whatsapphub.Causes;
import dev.whatsapphub.model.CloudEvent;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Expression;
import org.apache.camel.Predicate;
import org.apache.camel.support.DefaultExchange;

/**
 * A Camel Simple expression of a mapping or connector file, compiled when the file loads. It is evaluated against
 * an exchange whose body is the event's {@code data} (maps and lists) and whose headers are the
 * event's attributes as in CloudEvents' HTTP binary mode ({@code ce-id}, {@code ce-type}, ...).
 */
public final class EventExpression {

    /** An expression that failed on an event: the field of the mapping, the line of its key, and why. */
    public static final class EvaluationException extends RuntimeException {
        private final String field;
        private final int line;

        EvaluationException(String field, int line, String message) {
            super(message);
            this.field = field;
            this.line = line;
        }

        public String field() {
            return field;
        }

        public int line() {
            return line;
        }
    }

    private final String text;
    private final String field;
    private final int line;
    private final Expression expression;
    private final Predicate predicate;

    private EventExpression(String text, String field, int line, Expression expression, Predicate predicate) {
        this.text = text;
        this.field = field;
        this.line = line;
        this.expression = expression;
        this.predicate = predicate;
    }

    /** Throws IllegalArgumentException with Simple's own message when the text does not parse. */
    public static EventExpression of(CamelContext camel, String text, String field, int line) {
        return in(camel, "simple", text, field, line);
    }

    /** An expression in another language Camel has ({@code jsonpath} on maps and lists). */
    public static EventExpression in(CamelContext camel, String language, String text, String field, int line) {
        try {
            Expression e = camel.resolveLanguage(language).createExpression(text);
            e.init(camel);
            return new EventExpression(text, field, line, e, null);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("expression does not parse: " + e.getMessage(), e);
        }
    }

    public static EventExpression predicate(CamelContext camel, String text, String field, int line) {
        try {
            Predicate p = camel.resolveLanguage("simple").createPredicate(text);
            p.init(camel);
            return new EventExpression(text, field, line, null, p);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("condition does not parse: " + e.getMessage(), e);
        }
    }

    public static Exchange exchangeFor(CamelContext camel, CloudEvent event, Object data) {
        Exchange exchange = new DefaultExchange(camel);
        exchange.getMessage().setBody(data);
        event.json().fields().forEachRemaining(f -> {
            if (!"data".equals(f.getKey()) && f.getValue().isValueNode()) {
                exchange.getMessage().setHeader("ce-" + f.getKey(), f.getValue().asText());
            }
        });
        return exchange;
    }

    public String field() {
        return field;
    }

    /** The line of the expression in its file. */
    public int line() {
        return line;
    }

    public Object evaluate(Exchange exchange) {
        try {
            Object value = expression.evaluate(exchange, Object.class);
            if (exchange.getException() != null) {
                Exception e = exchange.getException();
                exchange.setException(null);
                throw e;
            }
            return value;
        } catch (Exception e) {
            throw new EvaluationException(field, line, "'" + text + "' cannot be evaluated on this event: " + Causes.rootMessage(e));
        }
    }

    /** The value as text; null, empty and blank count as nothing. */
    public String text(Exchange exchange) {
        Object value = evaluate(exchange);
        String s = value == null ? null : value.toString().trim();
        return s == null || s.isEmpty() ? null : s;
    }

    public String required(Exchange exchange) {
        String value = text(exchange);
        if (value == null) {
            throw new EvaluationException(field, line, "'" + text + "' gives nothing for this event");
        }
        return value;
    }

    public boolean matches(Exchange exchange) {
        try {
            boolean result = predicate.matches(exchange);
            if (exchange.getException() != null) {
                Exception e = exchange.getException();
                exchange.setException(null);
                throw e;
            }
            return result;
        } catch (Exception e) {
            throw new EvaluationException(field, line, "condition '" + text + "' cannot be evaluated on this event: " + Causes.rootMessage(e));
        }
    }

}
