/**
 * Preloaded with `node --import` into a process under test: appends the URL of every module the
 * process loads to the file named by VRS_TEST_LOAD_LOG, so a test can tell which bundle chunks a
 * controller really loaded (and which cloud SDKs it never touched).
 */
import { appendFileSync } from "node:fs";
import { registerHooks } from "node:module";

const log = process.env.VRS_TEST_LOAD_LOG;
if (log !== undefined) {
  registerHooks({
    load(url, context, nextLoad) {
      appendFileSync(log, `${url}\n`);
      return nextLoad(url, context);
    },
  });
}
