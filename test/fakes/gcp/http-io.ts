import type { IncomingMessage, ServerResponse } from "node:http";
import { ApiFailure } from "./google-errors.js";

/** Request bodies are small JSON resources; anything larger is a client bug worth a 413. */
const maxBodyBytes = 1 << 20;

/** Reads and parses a JSON request body; an empty body reads as `{}` (wait, delete). */
export async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > maxBodyBytes) throw new ApiFailure(413, "invalid", "Request body too large");
    chunks.push(buffer);
  }
  const text = Buffer.concat(chunks).toString("utf8").trim();
  if (text === "") return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ApiFailure(
      400,
      "parseError",
      "This API does not support parsing form-encoded input.",
    );
  }
}

/** Writes a JSON response the way the Google front end does (UTF-8, no caching). */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body, null, 2);
  res.writeHead(status, {
    "content-type": "application/json; charset=UTF-8",
    "cache-control": "private",
    "content-length": Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** Narrows unknown JSON to a plain object, so handlers never index `any`. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Reads an optional string field of a JSON object. */
export function stringField(body: Record<string, unknown>, key: string): string | undefined {
  const value = body[key];
  return typeof value === "string" ? value : undefined;
}
