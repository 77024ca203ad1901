package dev.embody.console;

import io.javalin.http.HttpStatus;

/** A request the console refuses, with its status and a one-line reason (sent as {@code {"error": ...}}). */
final class BadRequest extends RuntimeException {
    final HttpStatus status;

    BadRequest(HttpStatus status, String message) {
        super(message);
        this.status = status;
    }
}
