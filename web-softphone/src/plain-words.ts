/**
 * SIP failures in words a user understands. JsSIP reports a cause
 * (JsSIP.C.causes) and, for SIP failures, the response status.
 */
export const MESSAGES = {
  wrongCredentials: 'Wrong extension or password',
  unreachable: 'Cannot reach the server',
  blocked: 'This address is blocked (too many failed sign-ins)',
  timeout: 'The server did not answer',
} as const;

export interface RegistrationFailure {
  cause: string;
  status?: number;
}

/**
 * 401/407 after JsSIP already answered the challenge, or a 403/404 to an
 * authenticated REGISTER, both mean the extension or the password is wrong
 * (the registrar does not say which, so nobody can probe for extensions).
 */
export function describeRegistrationFailure(failure: RegistrationFailure): string {
  if (failure.status === 401 || failure.status === 403 || failure.status === 404 || failure.status === 407) return MESSAGES.wrongCredentials;
  switch (failure.cause) {
    case 'Authentication Error':
    case 'Rejected':
    case 'Not Found':
      return MESSAGES.wrongCredentials;
    case 'Connection Error':
      return MESSAGES.unreachable;
    case 'Request Timeout':
      return MESSAGES.timeout;
    default:
      return failure.status ? `Sign-in failed (${failure.status})` : `Sign-in failed (${failure.cause})`;
  }
}

/**
 * The edge drops a banned address at accept (fail to ban), so the browser
 * only sees a WebSocket that closes before it opens — exactly what a server
 * that is down looks like (and the connection under the REGISTER that
 * crossed the limit is dropped). We call it "blocked" only when this browser
 * tab was told its password was wrong since its last successful
 * registration; otherwise "cannot reach the server".
 */
export function describeConnectionFailure(recentWrongPasswords: number): string {
  return recentWrongPasswords > 0 ? MESSAGES.blocked : MESSAGES.unreachable;
}

/** Why a call did not happen or ended, for the call panel. */
export function describeCallEnd(cause: string, originator: string): string {
  switch (cause) {
    case 'Terminated':
      return originator === 'local' ? 'Call ended' : 'The other side hung up';
    case 'Canceled':
      return originator === 'local' ? 'Call cancelled' : 'Missed call';
    case 'Busy':
      return 'Busy';
    case 'Rejected':
      return 'Call declined';
    case 'Not Found':
      return 'No such number';
    case 'Unavailable':
    case 'No Answer':
      return 'Nobody answered';
    case 'Address Incomplete':
      return 'Incomplete number';
    case 'Incompatible SDP':
    case 'Bad Media Description':
      return 'The other phone cannot handle this call’s audio';
    case 'User Denied Media Access':
      return 'Microphone access was refused';
    case 'Connection Error':
    case 'Request Timeout':
      return MESSAGES.unreachable;
    case 'RTP Timeout':
      return 'Audio connection lost';
    default:
      return `Call ended (${cause})`;
  }
}
