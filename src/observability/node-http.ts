import { createRequire } from "node:module";

/**
 * node:http, loaded with require. An ESM import of node:http reads every export, including the
 * lazy WebSocket/CloseEvent/MessageEvent getters, and so loads Node's bundled undici: about
 * 13 MB of RSS that a plain-HTTP test server does not justify. Types come from `import type`.
 */
export const nodeHttp: typeof import("node:http") = createRequire(import.meta.url)("node:http");
