// @keel/api: JSON-RPC method schemas (zod), types and a typed HTTP/WebSocket client for the keel chain node.
export {};
