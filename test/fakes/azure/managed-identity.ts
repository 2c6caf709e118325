/**
 * A managed identity token endpoint as App Service and other Azure hosts expose it
 * (`IDENTITY_ENDPOINT` + `IDENTITY_HEADER`, API version 2019-08-01), so a process started from
 * the production bundle gets its ARM token through DefaultAzureCredential's own chain instead of
 * an injected credential. Follows https://learn.microsoft.com/azure/app-service/
 * overview-managed-identity#rest-endpoint-reference (the secret header, `resource`, and the
 * response's `expires_on` in epoch seconds).
 */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A running token endpoint, the environment that points the SDK at it, and its token count. */
export interface FakeManagedIdentity {
  readonly env: { IDENTITY_ENDPOINT: string; IDENTITY_HEADER: string };
  tokensIssued(): number;
  close(): Promise<void>;
}

/** Starts the endpoint on 127.0.0.1 and a free port. */
export async function startFakeManagedIdentity(): Promise<FakeManagedIdentity> {
  const secret = randomBytes(16).toString("hex");
  let issued = 0;
  const answer = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://identity.invalid");
    const resource = url.searchParams.get("resource");
    const json = (status: number, body: unknown) =>
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    if (req.headers["x-identity-header"] !== secret) {
      json(401, { statusCode: 401, message: "X-IDENTITY-HEADER is missing or wrong" });
    } else if (url.searchParams.get("api-version") !== "2019-08-01" || !resource) {
      json(400, { statusCode: 400, message: "api-version 2019-08-01 and resource are required" });
    } else {
      issued++;
      json(200, {
        access_token: `fake-arm-token-${issued}`,
        expires_on: String(Math.floor(Date.now() / 1000) + 3600),
        resource,
        token_type: "Bearer",
        client_id: "00000000-0000-4000-8000-000000000000",
      });
    }
  };
  const server = createServer(answer);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    env: { IDENTITY_ENDPOINT: `http://127.0.0.1:${port}/msi/token`, IDENTITY_HEADER: secret },
    tokensIssued: () => issued,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
