// Types of comlink's Node adapter, whose .mjs file ships without a matching .d.mts.
declare module "comlink/dist/esm/node-adapter.mjs" {
  import type { Endpoint } from "comlink";
  export interface NodeEndpoint {
    // biome-ignore lint/suspicious/noExplicitAny: comlink's own signature
    postMessage(message: any, transfer?: any[]): void;
    on(type: string, listener: EventListenerOrEventListenerObject, options?: object): void;
    off(type: string, listener: EventListenerOrEventListenerObject, options?: object): void;
    start?: () => void;
  }
  export default function nodeEndpoint(nep: NodeEndpoint): Endpoint;
}
