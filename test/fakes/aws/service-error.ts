/**
 * An error shaped like the EC2 SDK's ServiceException (`name` and `Code` = the AWS code,
 * `$fault`, `$metadata.httpStatusCode`), so fakes and error-path tests exercise the same mapping
 * as real SDK errors without a mocking library.
 */
export function awsServiceError(
  code: string,
  message: string,
  status = 400,
  fault: "client" | "server" = status >= 500 ? "server" : "client",
): Error {
  return Object.assign(new Error(message), {
    name: code,
    Code: code,
    $fault: fault,
    $metadata: { httpStatusCode: status, attempts: 1, totalRetryDelay: 0 },
  });
}
