package dev.sluice.session;

import dev.sluice.backend.Backend;
import dev.sluice.buffer.Buffer;
import dev.sluice.http.HttpHeadParser;
import java.net.InetAddress;

/**
 * Chooses the backend for a parsed request head ({@code use_backend} rules,
 * then {@code default_backend}). Must not allocate: it runs once per request.
 */
@FunctionalInterface
public interface HttpRouting {
    /** The backend for this request, or {@code null} when none applies (the client gets 503). */
    Backend route(Buffer buffer, HttpHeadParser request, InetAddress client);
}
