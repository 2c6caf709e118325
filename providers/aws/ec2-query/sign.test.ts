import { describe, expect, it } from "vitest";
import { createEc2Signer, Sha256, type SignableRequest } from "./sign.js";

const hex = async (hash: Sha256) => Buffer.from(await hash.digest()).toString("hex");

describe("Sha256", () => {
  it("hashes like SHA-256 (FIPS 180-2 vectors) and starts over on reset", async () => {
    const hash = new Sha256();
    expect(await hex(hash)).toBe(
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    );
    hash.reset();
    hash.update(new TextEncoder().encode("abc"));
    expect(await hex(hash)).toBe(
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
  });

  it("computes HMAC-SHA-256 with a string or binary secret (RFC 4231 test case 2)", async () => {
    const data = new TextEncoder().encode("what do ya want for nothing?");
    const expected = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
    for (const secret of [
      "Jefe",
      new TextEncoder().encode("Jefe"),
      new TextEncoder().encode("Jefe").buffer,
    ]) {
      const hmac = new Sha256(secret);
      hmac.update(data);
      expect(await hex(hmac)).toBe(expected);
    }
  });
});

const body = "Action=DescribeVpcs&Version=2016-11-15";
const request: SignableRequest = {
  method: "POST",
  protocol: "https:",
  hostname: "ec2.us-east-1.amazonaws.com",
  port: undefined,
  path: "/",
  headers: {
    host: "ec2.us-east-1.amazonaws.com",
    "content-type": "application/x-www-form-urlencoded; charset=utf-8",
    "content-length": String(body.length),
    "user-agent": "vpc-route-sync ec2-query",
  },
  body,
};
const credentials = {
  accessKeyId: "AKIDEXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
};
const at = Date.parse("2015-08-30T12:36:00Z");

describe("createEc2Signer", () => {
  // Expected signatures computed independently (Python hashlib/hmac) from the SigV4 spec.
  it("signs a form POST for ec2 in the region, covering the body hash but not the user agent", async () => {
    const signer = createEc2Signer({ region: "us-east-1", credentials, now: () => at });
    const headers = await signer.sign(request);
    expect(headers["x-amz-date"]).toBe("20150830T123600Z");
    expect(headers["x-amz-content-sha256"]).toBe(
      "d821ac2c2958664a08eb0f0b183ebf80201e8a50da5d9e98eca9bc36ef648656",
    );
    expect(headers.authorization).toBe(
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/ec2/aws4_request, " +
        "SignedHeaders=content-length;content-type;host;x-amz-content-sha256;x-amz-date, " +
        "Signature=8cd8a0ad66dd74cf1a33291931ebc8985e57e61e3b6d8c99844e5c878bae1052",
    );
    expect(headers["user-agent"]).toBe("vpc-route-sync ec2-query");
    expect(request.headers).not.toHaveProperty("authorization");
  });

  it("sends and signs the session token of temporary credentials (IRSA, Pod Identity)", async () => {
    const signer = createEc2Signer({
      region: "us-east-1",
      credentials: { ...credentials, sessionToken: "TOKEN" },
      now: () => at,
    });
    const headers = await signer.sign(request);
    expect(headers["x-amz-security-token"]).toBe("TOKEN");
    expect(headers.authorization).toContain(
      "SignedHeaders=content-length;content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token, Signature=190c17b12a6789a1537c2f4f62f64135a4e33971790c2d6a27f80bc1ca6e0722",
    );
  });

  it("signs with AWS's time once an answer shows our clock 5 minutes or more off", async () => {
    const signer = createEc2Signer({ region: "us-east-1", credentials, now: () => at });
    signer.observeServerDate("Sun, 30 Aug 2015 12:38:00 GMT");
    expect((await signer.sign(request))["x-amz-date"]).toBe("20150830T123600Z");
    signer.observeServerDate(undefined);
    signer.observeServerDate("not a date");
    expect((await signer.sign(request))["x-amz-date"]).toBe("20150830T123600Z");
    signer.observeServerDate("Sun, 30 Aug 2015 13:36:00 GMT");
    expect((await signer.sign(request))["x-amz-date"]).toBe("20150830T133600Z");
    signer.observeServerDate("Sun, 30 Aug 2015 13:37:00 GMT");
    expect((await signer.sign(request))["x-amz-date"]).toBe("20150830T133600Z");
  });
});
