/**
 * The part of the Compute Engine metadata server that Application Default Credentials use on GKE
 * (Workload Identity): the detection ping and the default service account's access token. The
 * real SDK finds it through `GCE_METADATA_HOST`, so a process started from the production bundle
 * authenticates exactly as in a cluster. Follows https://cloud.google.com/compute/docs/metadata/
 * querying-metadata (requests must carry `Metadata-Flavor: Google`, answers carry it too) and
 * .../access-authenticate-workloads (the token document).
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A running metadata server and how many access tokens it handed out. */
export interface FakeMetadataServer {
  /** `host:port`, the value of GCE_METADATA_HOST. */
  readonly host: string;
  readonly accessToken: string;
  tokensIssued(): number;
  close(): Promise<void>;
}

const tokenPath = "/computeMetadata/v1/instance/service-accounts/default/token";

/** Starts the metadata server on 127.0.0.1 and a free port. */
export async function startFakeMetadataServer(
  accessToken = "fake-metadata-token-for-tests",
): Promise<FakeMetadataServer> {
  let issued = 0;
  const answer = (req: IncomingMessage, res: ServerResponse) => {
    const headers = { "metadata-flavor": "Google" };
    const path = new URL(req.url ?? "/", "http://metadata.invalid").pathname;
    if (req.headers["metadata-flavor"] !== "Google") {
      res
        .writeHead(403, { ...headers, "content-type": "text/plain" })
        .end("Missing Metadata-Flavor");
    } else if (req.method === "GET" && path === "/computeMetadata/v1/instance") {
      res.writeHead(200, { ...headers, "content-type": "application/text" });
      res.end("attributes/\nhostname\nid\nservice-accounts/\nzone\n");
    } else if (req.method === "GET" && path === tokenPath) {
      issued++;
      res.writeHead(200, { ...headers, "content-type": "application/json" });
      res.end(
        JSON.stringify({ access_token: accessToken, expires_in: 3599, token_type: "Bearer" }),
      );
    } else {
      res.writeHead(404, { ...headers, "content-type": "text/html" }).end("Not Found");
    }
  };
  const server = createServer(answer);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    accessToken,
    tokensIssued: () => issued,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
