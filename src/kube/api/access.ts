/** TLS material and headers for one request to the API server. */
export interface RequestAuth {
  /** Trusted CA bundle (PEM); the system roots when absent. */
  readonly ca?: string | Buffer;
  /** Client certificate and key (PEM), for certificate authentication. */
  readonly cert?: string | Buffer;
  readonly key?: string | Buffer;
  /** False only with `insecure-skip-tls-verify: true`. */
  readonly rejectUnauthorized?: boolean;
  /** `tls-server-name`: the name the server certificate is checked against. */
  readonly servername?: string;
  /** Authorization and impersonation headers. Never logged. */
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * How to reach one API server: where, and with which credentials for the next request. Credentials
 * are asked for per request, so a rotated token file or an expired exec credential is picked up
 * without restarting anything.
 */
export interface KubeAccess {
  /** Base URL without a trailing slash, e.g. `https://10.96.0.1:443` or `https://host/prefix`. */
  readonly server: string;
  authenticate(): Promise<RequestAuth>;
  /** Forgets cached credentials after a 401, so the next request fetches fresh ones. */
  invalidate?(): void;
}
