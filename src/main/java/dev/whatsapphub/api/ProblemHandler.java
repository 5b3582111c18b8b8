package dev.whatsapphub.api;

import dev.whatsapphub.events.InvalidEventException;
import dev.whatsapphub.model.InvalidMessageException;
import dev.whatsapphub.model.TemplatesNotLoadedException;
import dev.whatsapphub.outbound.MessageIntake;
import dev.whatsapphub.templates.InvalidTemplateException;
import dev.whatsapphub.consent.OptedOutException;
import dev.whatsapphub.window.WindowClosedException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/** Every error of the API as application/problem+json, naming the field and the rule where there is one. */
@RestControllerAdvice
class ProblemHandler extends ResponseEntityExceptionHandler {

    @ExceptionHandler(InvalidMessageException.class)
    ResponseEntity<ProblemDetail> invalid(InvalidMessageException e) {
        return fieldErrors(e, "invalid-message", "The message is not valid; nothing was queued");
    }

    @ExceptionHandler(InvalidTemplateException.class)
    ResponseEntity<ProblemDetail> invalidTemplate(InvalidTemplateException e) {
        return fieldErrors(e, "invalid-template", "The template breaks Meta's rules; nothing was submitted");
    }

    @ExceptionHandler(InvalidEventException.class)
    ResponseEntity<ProblemDetail> invalidEvent(InvalidEventException e) {
        return fieldErrors(e, "invalid-event", "The event was not taken in; nothing was sent");
    }

    private static ResponseEntity<ProblemDetail> fieldErrors(InvalidMessageException e, String type, String title) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, e.getMessage());
        problem.setType(ApiProblem.type(type));
        problem.setTitle(title);
        problem.setProperty("errors", e.errors());
        return problemResponse(problem);
    }

    @ExceptionHandler(TemplatesNotLoadedException.class)
    ResponseEntity<ProblemDetail> templatesNotLoaded(TemplatesNotLoadedException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, e.getMessage());
        problem.setType(ApiProblem.type("templates-not-loaded"));
        problem.setTitle("Templates not loaded yet; nothing was queued");
        return problemResponse(problem);
    }

    @ExceptionHandler(WindowClosedException.class)
    ResponseEntity<ProblemDetail> windowClosed(WindowClosedException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, e.getMessage());
        problem.setType(ApiProblem.type("window-closed"));
        problem.setTitle("The customer's 24-hour window is closed; nothing was queued");
        if (e.closedAt() != null) {
            problem.setProperty("window_closed_at", e.closedAt().toString());
        }
        if (e.lastCustomerMessageAt() != null) {
            problem.setProperty("last_customer_message_at", e.lastCustomerMessageAt().toString());
        }
        return problemResponse(problem);
    }

    @ExceptionHandler(OptedOutException.class)
    ResponseEntity<ProblemDetail> optedOut(OptedOutException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, e.getMessage());
        problem.setType(ApiProblem.type("opted-out"));
        problem.setTitle("The customer opted out of this kind of message; nothing was queued");
        problem.setProperty("opted_out_at", e.optedOutAt().toString());
        problem.setProperty("opted_out_by", e.source());
        return problemResponse(problem);
    }

    @ExceptionHandler(MessageIntake.IdempotencyKeyReused.class)
    ResponseEntity<ProblemDetail> keyReused(MessageIntake.IdempotencyKeyReused e) {
        return api(new ApiProblem(HttpStatus.UNPROCESSABLE_ENTITY, "idempotency-key-reused", "Idempotency key reused", e.getMessage()));
    }

    @ExceptionHandler(MessageIntake.QueueUnavailable.class)
    ResponseEntity<ProblemDetail> queueUnavailable(MessageIntake.QueueUnavailable e) {
        return api(new ApiProblem(HttpStatus.SERVICE_UNAVAILABLE, "broker-unavailable", "Message broker unavailable", e.getMessage()));
    }

    @ExceptionHandler(ApiProblem.class)
    ResponseEntity<ProblemDetail> api(ApiProblem e) {
        return problemResponse(e.toProblem());
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException e, HttpHeaders headers,
                                                                  HttpStatusCode status, WebRequest request) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
                "The body is not valid JSON: " + rootMessage(e));
        problem.setType(ApiProblem.type("unreadable-body"));
        problem.setTitle("Unreadable request body");
        return ResponseEntity.badRequest().contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }

    private static ResponseEntity<ProblemDetail> problemResponse(ProblemDetail problem) {
        return ResponseEntity.status(problem.getStatus()).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        int newline = message.indexOf('\n');
        return newline > 0 ? message.substring(0, newline) : message;
    }
}
