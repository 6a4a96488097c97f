/**
 * Adapter from the transaction layer (RFC 3261 §17.1.2, non-INVITE client
 * transaction) to the one-shot `send` a trunk registration needs: resolve
 * with the final response, or with why none came.
 */
import type { SipRequest, SipResponse } from '../../../sip/index.js';
import type { TransactionLayer } from '../transaction/index.js';
import type { Destination } from '../../../contracts/transport.js';

export type RegistrationOutcome = SipResponse | 'timeout' | 'transport-error';

export type RegistrationSend = (req: SipRequest, dest: Destination) => Promise<RegistrationOutcome>;

export function transactionSender(transactions: Pick<TransactionLayer, 'sendRequest'>): RegistrationSend {
  return (req, dest) =>
    new Promise<RegistrationOutcome>((resolve) => {
      try {
        transactions.sendRequest(req, dest, {
          // Provisionals carry nothing for a registration; the first final decides (§10.2, §17.1.2.2).
          onResponse: (res) => {
            if (res.status >= 200) resolve(res);
          },
          onTimeout: () => resolve('timeout'), // Timer F (§17.1.2.2)
          onTransportError: () => resolve('transport-error'),
        });
      } catch {
        resolve('transport-error');
      }
    });
}
