/**
 * How the real @google-cloud/compute clients are pointed at the fake: the REST transport
 * (the default for Compute) with `apiEndpoint` set to the loopback host, `port` set explicitly
 * (the client overrides a `host:port` endpoint with its default 443), `protocol: "http"`, and an
 * OAuth2 client holding a fixed access token instead of Application Default Credentials.
 */
import { OAuth2Client } from "google-auth-library";
import type { FakeCompute } from "./server.js";

/** Fixed token the fake's requests carry; never a real credential. */
export const fakeAccessToken = "fake-access-token-for-tests";

/** An auth client that attaches a fixed bearer token and never refreshes or calls Google. */
export function fakeAuthClient(token = fakeAccessToken): OAuth2Client {
  const client = new OAuth2Client();
  client.setCredentials({ access_token: token, expiry_date: Date.now() + 24 * 3600 * 1000 });
  return client;
}

/** Constructor options for any Compute client class, talking to `fake`. */
export function sdkOptions(fake: FakeCompute, authClient: OAuth2Client = fakeAuthClient()) {
  return { apiEndpoint: fake.host, port: fake.port, protocol: "http", authClient } as const;
}
