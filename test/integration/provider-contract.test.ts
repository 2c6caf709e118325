import { inject } from "vitest";
import { startAwsWorld } from "../contract/aws-world.js";
import { startAzureWorld } from "../contract/azure-world.js";
import { startFakeWorld } from "../contract/fake-world.js";
import { startGcpWorld } from "../contract/gcp-world.js";
import { describeProviderContract } from "../contract/provider-contract.js";

describeProviderContract("aws on LocalStack behind the fault proxy", () =>
  startAwsWorld(inject("localstackEndpoint")),
);
describeProviderContract("gcp on the Compute Engine fake", startGcpWorld);
describeProviderContract("azure on the ARM fake", startAzureWorld);
describeProviderContract("in-memory fake", startFakeWorld);
