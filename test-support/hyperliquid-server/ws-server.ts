/**
 * The local Hyperliquid WebSocket server now lives in the product's synthetic venue
 * (src/synthetic/ws-server.ts); tests keep importing it from here.
 */
export * from "../../src/synthetic/ws-server.ts";
