// hep-js ships no type declarations; this is the part of its API Nimbus uses (HEP v3 encode/decode).
declare module 'hep-js' {
  interface HepRcinfo {
    protocolFamily?: number;
    protocol?: number;
    srcIp?: string;
    dstIp?: string;
    srcPort?: number;
    dstPort?: number;
    timeSeconds?: number;
    timeUseconds?: number;
    payloadType?: number;
    captureId?: number;
    capturePass?: string;
    hepNodeName?: string;
    correlation_id?: string;
  }
  interface HepDecoded {
    rcinfo: HepRcinfo;
    payload?: string;
  }
  const hep: {
    encapsulate(payload: string, rcinfo: HepRcinfo): Buffer;
    /** false when the buffer is not a HEP3 packet. */
    decapsulate(packet: Buffer): HepDecoded | false | undefined;
  };
  export default hep;
  export type { HepDecoded, HepRcinfo };
}
