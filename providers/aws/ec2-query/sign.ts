import { createHash, createHmac, type Hash, type Hmac } from "node:crypto";
import { defaultProvider } from "@aws-sdk/credential-provider-node";
import { SignatureV4 } from "@smithy/signature-v4";
import type { AwsCredentialIdentity } from "../options.js";

type SourceData = string | ArrayBuffer | ArrayBufferView;

const bytes = (data: SourceData): string | Uint8Array =>
  typeof data === "string"
    ? data
    : data instanceof ArrayBuffer
      ? new Uint8Array(data)
      : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);

/** SHA-256 (HMAC-SHA-256 with a secret) from node:crypto, in the shape SignatureV4 asks for. */
export class Sha256 {
  private readonly secret: string | Uint8Array | undefined;
  private hash: Hash | Hmac;
  constructor(secret?: SourceData) {
    this.secret = secret === undefined ? undefined : bytes(secret);
    this.hash = this.fresh();
  }
  update(chunk: Uint8Array): void {
    this.hash.update(chunk);
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
  reset(): void {
    this.hash = this.fresh();
  }
  private fresh(): Hash | Hmac {
    return this.secret === undefined ? createHash("sha256") : createHmac("sha256", this.secret);
  }
}

/** An HTTP request as SignatureV4 reads it; headers come back with the signature added. */
export interface SignableRequest {
  readonly method: string;
  readonly protocol: string;
  readonly hostname: string;
  readonly port: number | undefined;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** Signs requests for one region and follows EC2's clock, like the SDK's signer. */
export interface Ec2Signer {
  /** The headers to send: the request's own plus x-amz-date, the token and Authorization. */
  sign(request: SignableRequest): Promise<Record<string, string>>;
  /** Feeds an answer's `Date` header so that later signatures use AWS's time when ours is off. */
  observeServerDate(date: string | undefined): void;
}

/** What the signer needs; `now` is injectable for the clock-skew tests. */
export interface SignerSettings {
  readonly region: string;
  /** Static credentials (tests); without them the AWS default chain is used. */
  readonly credentials?: AwsCredentialIdentity | undefined;
  readonly now?: () => number;
}

/** The SDK's threshold: a server clock 5 minutes or more away from ours counts as skew. */
const maxSkewMs = 5 * 60 * 1000;

/**
 * SigV4 for service `ec2`. Without static credentials it uses the AWS default chain (env,
 * shared files and SSO, web identity = IRSA, container credentials = EKS Pod Identity, IMDS),
 * memoised and refreshed before expiry by the chain itself; STS calls for IRSA go to `region`.
 */
export function createEc2Signer(settings: SignerSettings): Ec2Signer {
  const now = settings.now ?? Date.now;
  const signer = new SignatureV4({
    service: "ec2",
    region: settings.region,
    credentials:
      settings.credentials ?? defaultProvider({ parentClientConfig: { region: settings.region } }),
    sha256: Sha256,
  });
  let offsetMs = 0;
  return {
    async sign(request) {
      const signed = await signer.sign(
        { ...request, headers: { ...request.headers }, query: {} },
        { signingDate: new Date(now() + offsetMs) },
      );
      return signed.headers;
    },
    observeServerDate(date) {
      const serverMs = date === undefined ? Number.NaN : Date.parse(date);
      if (Number.isNaN(serverMs)) return;
      if (Math.abs(serverMs - (now() + offsetMs)) >= maxSkewMs) offsetMs = serverMs - now();
    },
  };
}
