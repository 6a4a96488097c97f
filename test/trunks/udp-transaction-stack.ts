import { pino } from 'pino';
import { parseMessage, serializeMessage } from '../../sip/index.js';
import { TransactionLayer } from '../../edge/src/transaction/index.js';
import { UdpTransport } from '../../edge/src/transport/udp-transport.js';
import { transactionSender, type RegistrationSend } from '../../edge/src/trunks/transaction-sender.js';
import type { LocalContact } from '../../edge/src/trunks/register-request.js';

export interface UdpTransactionStack {
  local: LocalContact;
  send: RegistrationSend;
  close(): Promise<void>;
}

/**
 * The smallest real SIP client the registration needs: the edge's own UDP
 * transport and transaction layer on 127.0.0.1 (no router, no functions).
 */
export async function startUdpTransactionStack(): Promise<UdpTransactionStack> {
  const logger = pino({ level: 'silent' });
  let transactions: TransactionLayer | undefined;
  const udp = new UdpTransport(logger, (data, source) => {
    const parsed = parseMessage(data);
    if (parsed.ok && parsed.message.kind === 'response') transactions?.receiveResponse(parsed.message, source);
  });
  const bound = await udp.listen('127.0.0.1', 0);
  transactions = new TransactionLayer({
    sendRequest: (req, dest) => {
      udp.send(serializeMessage(req), { address: dest.address, port: dest.port });
    },
    sendResponse: () => undefined,
  });
  const layer = transactions;
  return {
    local: { host: '127.0.0.1', port: bound.port, protocol: 'udp' },
    send: transactionSender(layer),
    close: async () => {
      layer.close();
      await udp.close();
    },
  };
}
