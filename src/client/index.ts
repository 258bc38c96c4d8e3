/**
 * Ticketgate's client (`ticketgate/client`; in browsers also the ES module served at
 * `/client/ticketgate-client.js`). It runs in browsers and in Node ≥ 20 and depends on
 * socket.io-client only: nothing here may import Nest or server code.
 */
export { createTicketgateClient, TicketgateClient } from './ticketgate-client';
export type { ConnectOptions } from './ticketgate-client';
export type { TicketgateClientOptions } from './client-options';
export type { ConnectionState, TicketgateClientEvents, TicketgateEventName, TicketgateListener } from './client-events';
export type { HandshakeAuth } from './credentials';
export type { IssuedTicket, RevokeAllResult, TicketRequest } from './ticket-endpoint';
export type { RetryOptions } from './retry-policy';
export { TicketgateError } from './ticketgate-error';
export type { FailurePhase, TicketgateErrorCode } from './ticketgate-error';
export { maskTicket, isTicket } from './mask-ticket';
