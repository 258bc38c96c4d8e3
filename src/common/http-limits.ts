/** Limits of the HTTP server, shared by the adapter that enforces them and the errors that name them. */
export const BODY_LIMIT_BYTES = 16 * 1024;
export const MAX_PARAM_LENGTH = 4_096;
/**
 * How long a client may take to send a whole request, headers and body (at most 16 KiB). Without
 * it a body that never completes holds its connection forever. It ends once the request has
 * arrived, so a slow handler or a Socket.IO long-poll held open by the server is not affected.
 */
export const REQUEST_TIMEOUT_MS = 10_000;
