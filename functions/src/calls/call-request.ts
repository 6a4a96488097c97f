/** The reading of an out-of-dialog request lives in contracts/: the edge reads an INVITE the same way (its own first 407). */
export { callNames, readCallRequest, type CallRequest } from '../../../contracts/call-request.js';
