import { describe, expect, it } from 'vitest';
import { describeCallEnd, describeConnectionFailure, describeRegistrationFailure, MESSAGES } from '../../web-softphone/src/plain-words.js';

describe('the softphone says what went wrong in plain words', () => {
  it.each([
    [{ cause: 'Rejected', status: 403 }, MESSAGES.wrongCredentials],
    [{ cause: 'Authentication Error', status: 401 }, MESSAGES.wrongCredentials],
    [{ cause: 'Not Found', status: 404 }, MESSAGES.wrongCredentials],
    [{ cause: 'Connection Error' }, MESSAGES.unreachable],
    [{ cause: 'Request Timeout' }, MESSAGES.timeout],
    [{ cause: 'SIP Failure Code', status: 503 }, 'Sign-in failed (503)'],
  ])('registration failure %o → %s', (failure, text) => {
    expect(describeRegistrationFailure(failure)).toBe(text);
  });

  it('a refused connection is "blocked" only after this tab was told its password was wrong', () => {
    expect(describeConnectionFailure(0)).toBe(MESSAGES.unreachable);
    expect(describeConnectionFailure(3)).toBe(MESSAGES.blocked);
  });

  it.each([
    ['Terminated', 'local', 'Call ended'],
    ['Terminated', 'remote', 'The other side hung up'],
    ['Canceled', 'remote', 'Missed call'],
    ['Busy', 'remote', 'Busy'],
    ['Not Found', 'remote', 'No such number'],
    ['Unavailable', 'remote', 'Nobody answered'],
  ])('a call ending with %s (%s) reads "%s"', (cause, originator, text) => {
    expect(describeCallEnd(cause, originator)).toBe(text);
  });
});
