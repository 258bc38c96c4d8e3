import { TicketgateError } from './ticketgate-error';

/** The app's JWT from `getToken`, without a `Bearer ` prefix; `TOKEN_UNAVAILABLE` when there is none. */
export async function readToken(getToken: () => string | Promise<string>): Promise<string> {
  let token: unknown;
  try {
    token = await getToken();
  } catch (error) {
    throw new TicketgateError('TOKEN_UNAVAILABLE', `getToken failed (${error instanceof Error ? error.message : String(error)})`, 'ticket', { cause: error });
  }
  if (typeof token !== 'string' || token.trim() === '') throw new TicketgateError('TOKEN_UNAVAILABLE', 'getToken returned no token', 'ticket');
  return token.trim().replace(/^Bearer\s+/i, '');
}
